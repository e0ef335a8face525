"""jobs leave room on their pages for the next version of a row

Revision ID: 5d8b3f1a7c26
Revises: c5e1a7d3f920
Create Date: 2026-12-03 12:50:00.000000

"""
from collections.abc import Sequence

from alembic import op

revision: str = '5d8b3f1a7c26'
down_revision: str | None = 'c5e1a7d3f920'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every poll rewrites the rows of the jobs it touches, nearly always without changing an indexed column: with room
# on the page PostgreSQL keeps the new version beside the old one (a HOT update) and touches none of the indexes.
FILLFACTOR = 70


def upgrade() -> None:
    # It applies to pages filled from now on: a row on a page already full moves to one with room when next
    # rewritten. SQLite (embedded mode) has no such setting.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE jobs SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE jobs RESET (fillfactor)")
