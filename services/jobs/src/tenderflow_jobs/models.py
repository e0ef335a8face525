"""The job projection table and the messaging tables."""

from collections.abc import Iterable

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, TypeDecorator

from tenderflow_common.db import UtcDateTime, new_metadata
from tenderflow_common.messaging_tables import messaging_tables


class MessageIds(TypeDecorator):
    """A set of message ids, stored as a sorted JSON list, so that equal sets are equal rows."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Iterable[str] | None, dialect) -> list[str]:
        return sorted(value or ())

    def process_result_value(self, value: list[str] | None, dialect) -> frozenset[str]:
        return frozenset(value or ())


metadata = new_metadata()
messaging = messaging_tables(metadata)

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String(200), primary_key=True),
    Column("tenant_id", String(200), nullable=False, index=True),
    Column("kind", String(10), nullable=False, server_default="upload"),
    Column("status", String(20), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("filename", String(500)),
    Column("workspace", String(100)),
    Column("workspace_id", String(64), index=True),
    Column("model", String(200)),
    Column("files", JSON, nullable=False),
    Column("errors", JSON, nullable=False),
    Column("files_total", Integer, nullable=False),
    Column("files_accepted", Integer, nullable=False),
    Column("files_rejected", Integer, nullable=False),
    Column("documents_extracted", Integer, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("questions_total", Integer, nullable=False),
    Column("questions_answered", Integer, nullable=False),
    Column("cancel_requested", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    Column("ingested_at", UtcDateTime()),
    Column("indexed_at", UtcDateTime()),
    Column("answered_at", UtcDateTime()),
    Column("version", Integer, nullable=False, server_default="0"),
    # The ids of the messages folded into the job: a message delivered again finds its id here, under the row's lock.
    Column("seen", MessageIds, nullable=False, server_default="[]"),
)
