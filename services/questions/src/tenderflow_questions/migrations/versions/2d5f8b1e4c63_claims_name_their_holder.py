"""runs name the replica holding their claim, so an operator can tell which one answers a run

Revision ID: 2d5f8b1e4c63
Revises: 7b2e9d4c1a68
Create Date: 2026-12-03 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '2d5f8b1e4c63'
down_revision: str | None = '7b2e9d4c1a68'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
