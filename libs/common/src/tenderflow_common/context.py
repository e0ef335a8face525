"""Per-task context (correlation, tenant, job) that logs and outgoing messages pick up."""

from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
tenant_id: ContextVar[str | None] = ContextVar("tenant_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)
