"""cancelled jobs are found by age

Revision ID: 7b2e9d4c1a68
Revises: 4a5d8f9fb6e8
Create Date: 2026-12-02 16:10:00.000000

A job cancelled before its run is remembered only while a message about it may still arrive; housekeeping forgets
it with the processed messages and finds the old rows by this index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7b2e9d4c1a68'
down_revision: str | None = '4a5d8f9fb6e8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_cancelled_jobs_cancelled_at'), 'cancelled_jobs', ['cancelled_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cancelled_jobs_cancelled_at'), table_name='cancelled_jobs')
