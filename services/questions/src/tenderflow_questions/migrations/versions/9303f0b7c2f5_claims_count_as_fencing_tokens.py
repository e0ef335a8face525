"""runs count their claims, so a holder paused past its lease cannot commit beside the new one

Revision ID: 9303f0b7c2f5
Revises: c7e2d5a19f08
Create Date: 2026-12-02 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9303f0b7c2f5'
down_revision: str | None = 'c7e2d5a19f08'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('claims')
