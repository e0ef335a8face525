"""answers record the path that answered, grounding, a failure code and token usage

Revision ID: 5c1e2a7d9b30
Revises: 417d4a404bb2
Create Date: 2026-12-02 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5c1e2a7d9b30'
down_revision: str | None = '417d4a404bb2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('grounded', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('error', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('prompt_tokens', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('completion_tokens', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('completion_tokens')
        batch_op.drop_column('prompt_tokens')
        batch_op.drop_column('error')
        batch_op.drop_column('grounded')
        batch_op.drop_column('path')
