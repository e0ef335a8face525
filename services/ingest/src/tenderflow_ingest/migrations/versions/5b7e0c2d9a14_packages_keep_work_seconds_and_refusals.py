"""packages keep their extraction seconds and refused files, so a package resumed in a later slice keeps its budget
and skips what was refused

Revision ID: 5b7e0c2d9a14
Revises: 5b7e0c3d9a14
Create Date: 2026-12-02 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5b7e0c2d9a14'
down_revision: str | None = '5b7e0c3d9a14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_seconds', sa.Float(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refusals', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_column('refusals')
        batch_op.drop_column('work_seconds')
