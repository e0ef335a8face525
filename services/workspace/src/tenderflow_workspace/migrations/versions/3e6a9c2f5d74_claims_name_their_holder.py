"""syncs and removals name the replica holding their claim, so an operator can tell which one works on them

Revision ID: 3e6a9c2f5d74
Revises: e8b3f5a1c7d4
Create Date: 2026-12-03 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3e6a9c2f5d74'
down_revision: str | None = 'e8b3f5a1c7d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=255), nullable=True))

    with op.batch_alter_table('anythingllm_removals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')

    with op.batch_alter_table('anythingllm_removals', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
