"""deleted workspaces

Revision ID: c5e8a1f3b7d2
Revises: 8adc5561d1fd
Create Date: 2026-12-02 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5e8a1f3b7d2'
down_revision: str | None = '8adc5561d1fd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deleted_workspaces',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('tenant_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_workspaces'))
    )


def downgrade() -> None:
    op.drop_table('deleted_workspaces')
