"""anythingllm_syncs carry the trace context of the request that created them, so their steps join that trace

Revision ID: 7e3a9b2d5f60
Revises: c5e8a1f3b7d2
Create Date: 2026-12-02 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '7e3a9b2d5f60'
down_revision: str | None = 'c5e8a1f3b7d2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trace_context', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.drop_column('trace_context')
