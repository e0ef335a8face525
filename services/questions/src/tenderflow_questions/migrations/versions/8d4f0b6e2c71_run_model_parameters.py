"""runs keep the request's temperature, completion tokens per question and token budget

Revision ID: 8d4f0b6e2c71
Revises: 5c1e2a7d9b30
Create Date: 2026-12-02 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8d4f0b6e2c71'
down_revision: str | None = '5c1e2a7d9b30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temperature', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_tokens', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('token_budget', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('token_budget')
        batch_op.drop_column('max_tokens')
        batch_op.drop_column('temperature')
