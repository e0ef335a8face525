"""chunk language

Revision ID: 3f9c2a7d41b8
Revises: 67ccf0318621
Create Date: 2026-12-02 05:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3f9c2a7d41b8'
down_revision: str | None = '67ccf0318621'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('chunks', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('chunks') as batch_op:
        batch_op.drop_column('language')
