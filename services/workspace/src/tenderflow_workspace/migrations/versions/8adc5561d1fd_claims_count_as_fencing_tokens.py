"""anythingllm_syncs count their claims, so a holder paused past its lease cannot commit beside the new one

Revision ID: 8adc5561d1fd
Revises: 9a4e7c2b5d10
Create Date: 2026-12-02 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8adc5561d1fd'
down_revision: str | None = '9a4e7c2b5d10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('anythingllm_syncs', schema=None) as batch_op:
        batch_op.drop_column('claims')
