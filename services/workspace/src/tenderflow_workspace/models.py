"""Workspaces, their documents, the builtin backend's chunks, and what the anythingllm backend keeps remotely."""

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, func

from tenderflow_common.db import UtcDateTime, new_metadata
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.remembered import remembered_table

metadata = new_metadata()
messaging = messaging_tables(metadata)

workspaces = Table(
    "workspaces",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(200), nullable=False),
    Column("name", String(100), nullable=False),
    Column("backend", String(40), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("settings", JSON),
    Column("updated_at", UtcDateTime()),
    Column("last_job_id", String(200)),
    UniqueConstraint("tenant_id", "name"),
)

deleted_workspaces = Table(
    "deleted_workspaces",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(200), nullable=False),
    Column("name", String(100), nullable=False),
    Column("deleted_at", UtcDateTime(), nullable=False),
)
"""When a workspace was last deleted, so a package that was on its way into it then does not bring it back."""

purged_jobs = remembered_table(metadata, "purged_jobs", ["tenant_id", "job_id"], "purged_at")
"""Jobs purged, so a package of the job delivered after the purge is not indexed (ingest's event and the purge
travel on different topics); forgotten with the processed messages, when none can arrive any more."""

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id"), nullable=False, index=True),
    Column("package_id", String(64), nullable=False, index=True),
    Column("file", String(1000), nullable=False),
    Column("doc_type", String(10), nullable=False),
    Column("pages", Integer, nullable=False),
    Column("indexed_at", UtcDateTime(), nullable=False, server_default=func.now()),
)

chunks = Table(
    "chunks",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id"), nullable=False, index=True),
    Column("package_id", String(64), nullable=False, index=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("file", String(1000), nullable=False),
    Column("doc_type", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("page", Integer),
    Column("path", String(2000)),
    Column("row", Integer),
    Column("ordinal", Integer, nullable=False),
    Column("language", String(8)),
)

def claimed_task(name: str, *columns: Column, finished_index: bool = False) -> Table:
    """A table of work claimed by a leased worker (tenderflow_common.work): what each task carries around its own
    columns, and how far its claims and attempts have come."""
    return Table(
        name,
        metadata,
        Column("id", String(64), primary_key=True),
        Column("job_id", String(200), nullable=False),
        Column("tenant_id", String(200), nullable=False),
        Column("correlation_id", String(200), nullable=False),
        Column("cause_id", String(200), nullable=False),
        *columns,
        Column("status", String(20), nullable=False, index=True),
        Column("cancel_requested", Boolean, nullable=False),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", String(500)),
        Column("claimed_at", UtcDateTime()),
        # The replica holding the claim, as `work.holder_name` names it.
        Column("claimed_by", String(255)),
        # Counts the claims; the current one is the holder's fencing token (tenderflow_common.work).
        Column("claims", Integer, nullable=False, server_default="0"),
        # The W3C context of the request that created the task, so its steps join that trace after any resume.
        Column("trace_context", JSON),
        Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
        Column("finished_at", UtcDateTime(), index=finished_index),
    )


anythingllm_syncs = claimed_task(
    "anythingllm_syncs",
    Column("workspace_id", String(64), ForeignKey("workspaces.id"), nullable=False),
    Column("package_id", String(64), nullable=False),
    Column("request", JSON, nullable=False),
    Column("documents", JSON, nullable=False),
    # Set when the job was purged while the sync held its claim: the row stays (status `purged`, finished once its
    # holder ends it) so the removal sees the holder's lease and the holder's last commit passes its fencing
    # check; it goes with the processed messages.
    Column("purged_at", UtcDateTime(), index=True),
)
"""A package to upload and embed into the workspace's AnythingLLM workspace, claimed by a leased worker."""

anythingllm_documents = Table(
    "anythingllm_documents",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("workspace_id", String(64), ForeignKey("workspaces.id"), nullable=False, index=True),
    Column("location", String(1000), nullable=False),
)
"""Where AnythingLLM stores each uploaded document (the `location` that embedding and deleting take)."""

anythingllm_removals = claimed_task(
    "anythingllm_removals",
    # No foreign key: the workspace may be deleted before the removal runs (its AnythingLLM workspace goes too).
    Column("workspace_id", String(64), nullable=False),
    Column("document_ids", JSON, nullable=False),
    Column("locations", JSON, nullable=False),
    finished_index=True,
)
"""A purged package's documents to take out of the workspace's AnythingLLM workspace and storage, claimed by a
leased worker; a finished one is forgotten with the processed messages."""
