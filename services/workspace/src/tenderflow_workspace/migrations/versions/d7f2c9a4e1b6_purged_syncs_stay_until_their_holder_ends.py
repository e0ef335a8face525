"""a sync of a purged job stays, marked purged, until its holder ends it

Revision ID: d7f2c9a4e1b6
Revises: b3d6f1a8e2c4
Create Date: 2026-12-02 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd7f2c9a4e1b6'
down_revision: str | None = 'b3d6f1a8e2c4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('anythingllm_syncs', sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_anythingllm_syncs_purged_at'), 'anythingllm_syncs', ['purged_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_anythingllm_syncs_purged_at'), table_name='anythingllm_syncs')
    op.drop_column('anythingllm_syncs', 'purged_at')
