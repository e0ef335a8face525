"""submission trace context

The upload's W3C context beside each accepted job, so a traced status poll can link to the job's trace. Jobs
accepted before have none, and their polls are traced without the link.

Revision ID: 5e0c2b7d4a19
Revises: 1c18f8e1a772
Create Date: 2026-12-02 13:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e0c2b7d4a19'
down_revision: str | None = '1c18f8e1a772'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trace_context', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('trace_context')
