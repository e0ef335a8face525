"""question sets may carry a temperature and completion tokens per question for the models that answer them

Revision ID: c7e2d5a19f08
Revises: a3b9e1f47c52
Create Date: 2026-12-02 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c7e2d5a19f08'
down_revision: str | None = 'a3b9e1f47c52'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('question_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temperature', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_tokens', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('question_sets', schema=None) as batch_op:
        batch_op.drop_column('max_tokens')
        batch_op.drop_column('temperature')
