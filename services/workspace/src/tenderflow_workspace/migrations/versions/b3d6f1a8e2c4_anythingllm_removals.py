"""purged packages' documents are removed from AnythingLLM by a leased worker

Revision ID: b3d6f1a8e2c4
Revises: 9f8a7f310acc
Create Date: 2026-12-02 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3d6f1a8e2c4'
down_revision: str | None = '9f8a7f310acc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('anythingllm_removals',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('job_id', sa.String(length=200), nullable=False),
    sa.Column('tenant_id', sa.String(length=200), nullable=False),
    sa.Column('correlation_id', sa.String(length=200), nullable=False),
    sa.Column('cause_id', sa.String(length=200), nullable=False),
    sa.Column('workspace_id', sa.String(length=64), nullable=False),
    sa.Column('document_ids', sa.JSON(), nullable=False),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claims', sa.Integer(), server_default='0', nullable=False),
    sa.Column('trace_context', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anythingllm_removals'))
    )
    op.create_index(op.f('ix_anythingllm_removals_status'), 'anythingllm_removals', ['status'], unique=False)
    op.create_index(op.f('ix_anythingllm_removals_finished_at'), 'anythingllm_removals', ['finished_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_anythingllm_removals_finished_at'), table_name='anythingllm_removals')
    op.drop_index(op.f('ix_anythingllm_removals_status'), table_name='anythingllm_removals')
    op.drop_table('anythingllm_removals')
