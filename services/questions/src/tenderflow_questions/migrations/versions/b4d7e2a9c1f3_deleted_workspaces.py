"""deleted workspaces, so a run asked for before a workspace's deletion and delivered after it is not opened

Revision ID: b4d7e2a9c1f3
Revises: 6d2f8a1c4e37
Create Date: 2026-12-02 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b4d7e2a9c1f3'
down_revision: str | None = '6d2f8a1c4e37'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deleted_workspaces',
    sa.Column('tenant_id', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_deleted_workspaces'))
    )


def downgrade() -> None:
    op.drop_table('deleted_workspaces')
