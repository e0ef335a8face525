"""packages name the replica holding their claim, so an operator can tell which one works on a package

Revision ID: 1c4e7a9d3b52
Revises: 6e1f4a8c2d37
Create Date: 2026-12-03 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '1c4e7a9d3b52'
down_revision: str | None = '6e1f4a8c2d37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
