"""a run may answer with several models: runs keep them, answers are kept per question and model

Revision ID: a3b9e1f47c52
Revises: 8d4f0b6e2c71
Create Date: 2026-12-02 03:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a3b9e1f47c52'
down_revision: str | None = '8d4f0b6e2c71'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compare_with', sa.JSON(), nullable=True))
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model', sa.String(length=200), server_default='', nullable=False))
    # Answers stored before a run could name several models were given by the run's one model.
    op.execute("UPDATE answers SET model = (SELECT runs.model FROM runs WHERE runs.id = answers.run_id)")
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint('pk_answers', type_='primary')
        batch_op.create_primary_key('pk_answers', ['run_id', 'question_id', 'model'])


def downgrade() -> None:
    op.execute("DELETE FROM answers WHERE model <> (SELECT runs.model FROM runs WHERE runs.id = answers.run_id)")
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint('pk_answers', type_='primary')
        batch_op.create_primary_key('pk_answers', ['run_id', 'question_id'])
        batch_op.drop_column('model')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('compare_with')
