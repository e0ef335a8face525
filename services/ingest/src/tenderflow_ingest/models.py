"""Packages and their documents (metadata only; bytes and text live in object storage)."""

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, UniqueConstraint, func

from tenderflow_common.db import UtcDateTime, new_metadata
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.remembered import remembered_table

metadata = new_metadata()
messaging = messaging_tables(metadata)

packages = Table(
    "packages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("job_id", String(200), nullable=False, unique=True),
    Column("tenant_id", String(200), nullable=False, index=True),
    Column("correlation_id", String(200), nullable=False),
    Column("command_id", String(200), nullable=False),
    Column("package_key", String(1000), nullable=False),
    Column("filename", String(500), nullable=False),
    Column("request", JSON, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("claimed_at", UtcDateTime()),
    # The replica holding the claim, as `work.holder_name` names it.
    Column("claimed_by", String(255)),
    # Counts the claims; the current one is the holder's fencing token (tenderflow_common.work).
    Column("claims", Integer, nullable=False, server_default="0"),
    # The W3C context of the request that created the task, so its steps join that trace after any resume.
    Column("trace_context", JSON),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("finished_at", UtcDateTime()),
    # Seconds spent extracting over every claim so far, against the package's time budget.
    Column("work_seconds", Float, nullable=False, server_default="0"),
    # Files extraction refused, by name ({"code", "reason"}), so a package resumed in a later slice skips them.
    Column("refusals", JSON),
)

cancelled_jobs = remembered_table(metadata, "cancelled_jobs", ["job_id"], "cancelled_at")
"""Jobs cancelled before their package arrived; forgotten with the processed messages, when none can arrive."""

purged_jobs = remembered_table(metadata, "purged_jobs", ["tenant_id", "job_id"], "purged_at")
"""Jobs purged, so a package or upload arriving after the purge is deleted rather than ingested; forgotten with
the processed messages, when none can arrive any more."""

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("package_id", String(64), ForeignKey("packages.id"), nullable=False, index=True),
    Column("file", String(1000), nullable=False),
    Column("doc_type", String(10), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("pages", Integer, nullable=False),
    Column("units", Integer, nullable=False),
    Column("text_key", String(1000), nullable=False),
    UniqueConstraint("package_id", "file"),
)
