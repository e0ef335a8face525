"""jobs count their versions

Revision ID: b7d41f0c2e93
Revises: 4e7a2c9d1b85
Create Date: 2026-12-02 08:20:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b7d41f0c2e93'
down_revision: str | None = '4e7a2c9d1b85'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Jobs from before it start at 0: their next message makes a view newer than none.
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('version')
