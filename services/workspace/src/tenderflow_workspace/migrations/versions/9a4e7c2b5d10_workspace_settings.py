"""workspace settings, last job and update time

Revision ID: 9a4e7c2b5d10
Revises: 3f9c2a7d41b8
Create Date: 2026-12-02 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9a4e7c2b5d10'
down_revision: str | None = '3f9c2a7d41b8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workspaces') as batch_op:
        batch_op.add_column(sa.Column('settings', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_job_id', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workspaces') as batch_op:
        batch_op.drop_column('last_job_id')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('settings')
