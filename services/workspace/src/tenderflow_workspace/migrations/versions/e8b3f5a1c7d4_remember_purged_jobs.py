"""the workspace remembers purged jobs, so a package delivered after the purge is not indexed

Revision ID: e8b3f5a1c7d4
Revises: d7f2c9a4e1b6
Create Date: 2026-12-02 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e8b3f5a1c7d4'
down_revision: str | None = 'd7f2c9a4e1b6'
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


def downgrade() -> None:
    op.drop_index(op.f('ix_purged_jobs_purged_at'), table_name='purged_jobs')
    op.drop_table('purged_jobs')
