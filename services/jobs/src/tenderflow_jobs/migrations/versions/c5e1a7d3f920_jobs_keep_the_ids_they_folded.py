"""jobs keep the ids of the messages they folded

Revision ID: c5e1a7d3f920
Revises: 459a130fb6ea
Create Date: 2026-12-02 20:30:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5e1a7d3f920'
down_revision: str | None = '459a130fb6ea'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Jobs from before it start with none: what was folded before is in processed_messages, which the consumer no
    # longer reads, so a message folded before the upgrade and delivered again after it would be folded again.
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen', sa.JSON(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('seen')
