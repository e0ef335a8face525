"""remember purged jobs, and find remembered jobs by age

Revision ID: 6e1f4a8c2d37
Revises: c56d2b716cfa
Create Date: 2026-12-02 15:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '6e1f4a8c2d37'
down_revision: str | None = 'c56d2b716cfa'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('purged_jobs',
    sa.Column('tenant_id', sa.String(length=200), nullable=False),
    sa.Column('job_id', sa.String(length=200), nullable=False),
    sa.Column('purged_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'job_id', name=op.f('pk_purged_jobs'))
    )
    op.create_index(op.f('ix_purged_jobs_purged_at'), 'purged_jobs', ['purged_at'], unique=False)
    op.create_index(op.f('ix_cancelled_jobs_cancelled_at'), 'cancelled_jobs', ['cancelled_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cancelled_jobs_cancelled_at'), table_name='cancelled_jobs')
    op.drop_index(op.f('ix_purged_jobs_purged_at'), table_name='purged_jobs')
    op.drop_table('purged_jobs')
