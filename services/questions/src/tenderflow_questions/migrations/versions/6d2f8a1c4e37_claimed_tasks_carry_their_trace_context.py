"""runs carry the trace context of the request that created them, so their steps join that trace

Revision ID: 6d2f8a1c4e37
Revises: 9303f0b7c2f5
Create Date: 2026-12-02 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6d2f8a1c4e37'
down_revision: str | None = '9303f0b7c2f5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trace_context', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('trace_context')
