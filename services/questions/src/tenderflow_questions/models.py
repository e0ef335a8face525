"""Question sets, runs and answers."""

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint, func

from tenderflow_common.db import UtcDateTime, new_metadata
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.remembered import remembered_table

metadata = new_metadata()
messaging = messaging_tables(metadata)

question_sets = Table(
    "question_sets",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(200), nullable=False),
    Column("name", String(100), nullable=False),
    Column("questions", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("updated_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("temperature", Float),
    Column("max_tokens", Integer),
    UniqueConstraint("tenant_id", "name"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("job_id", String(200), nullable=False, unique=True),
    Column("tenant_id", String(200), nullable=False, index=True),
    Column("correlation_id", String(200), nullable=False),
    Column("cause_id", String(200), nullable=False),
    Column("workspace_id", String(64), nullable=False),
    Column("package_id", String(64), nullable=False),
    Column("model", String(200), nullable=False),
    Column("questions", JSON, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("cancel_requested", Boolean, nullable=False),
    Column("claimed_at", UtcDateTime()),
    # The replica holding the claim, as `work.holder_name` names it.
    Column("claimed_by", String(255)),
    # Counts the claims; the current one is the holder's fencing token (tenderflow_common.work).
    Column("claims", Integer, nullable=False, server_default="0"),
    # The W3C context of the request that created the task, so its steps join that trace after any resume.
    Column("trace_context", JSON),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("finished_at", UtcDateTime()),
    Column("temperature", Float),
    Column("max_tokens", Integer),
    Column("token_budget", Integer),
    Column("compare_with", JSON),
)

answers = Table(
    "answers",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("question_id", String(100), primary_key=True),
    Column("model", String(200), primary_key=True, server_default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text),
    Column("confidence", Float, nullable=False),
    Column("fragment_coverage", Float),
    Column("citations", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("path", String(20)),
    Column("grounded", Boolean),
    Column("error", String(100)),
    Column("prompt_tokens", Integer, nullable=False, server_default="0"),
    Column("completion_tokens", Integer, nullable=False, server_default="0"),
)

# Jobs stopped (cancelled, or stalled) before their run opened: a run opened later for one starts cancelled.
cancelled_jobs = remembered_table(metadata, "cancelled_jobs", ["job_id"], "cancelled_at")

deleted_workspaces = Table(
    "deleted_workspaces",
    metadata,
    Column("tenant_id", String(200), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("deleted_at", UtcDateTime(), nullable=False),
)
"""When a workspace was last deleted, so a message that would start a run over it from before then opens none."""
