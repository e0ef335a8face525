"""processed messages are found by age

Revision ID: c56d2b716cfa
Revises: 5b7e0c2d9a14
Create Date: 2026-12-02 15:30:00.000000

Housekeeping deletes processed-message rows older than the retention in batches; the index on `processed_at`
spares each batch a scan of the table. A plain `CREATE INDEX` (no migration here builds one concurrently) holds
writes to the table while it builds, which is brief because housekeeping keeps the table to a few weeks of rows.
"""

from collections.abc import Sequence

from tenderflow_common.messaging_migrations import drop_processed_by_age_index, index_processed_by_age

revision: str = 'c56d2b716cfa'
down_revision: str | None = '5b7e0c2d9a14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    index_processed_by_age()


def downgrade() -> None:
    drop_processed_by_age_index()
