"""remember jobs stopped (cancelled or stalled) before their run opens

Revision ID: e5a1c3f7b902
Revises: b4d7e2a9c1f3
Create Date: 2026-12-02 13:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e5a1c3f7b902'
down_revision: str | None = 'b4d7e2a9c1f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cancelled_jobs',
    sa.Column('job_id', sa.String(length=200), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_cancelled_jobs'))
    )


def downgrade() -> None:
    op.drop_table('cancelled_jobs')
