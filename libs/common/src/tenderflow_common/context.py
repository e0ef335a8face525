"""Per-task context (correlation, tenant, job) that logs and outgoing messages pick up."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
tenant_id: ContextVar[str | None] = ContextVar("tenant_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)


@contextlib.contextmanager
def job_context(correlation: str | None, tenant: str | None, job: str | None) -> Iterator[None]:
    """Log lines written inside carry the job's ids, so an error a tenant sees by its correlation id can be found."""
    tokens = correlation_id.set(correlation), tenant_id.set(tenant), job_id.set(job)
    try:
        yield
    finally:
        for var, token in zip((correlation_id, tenant_id, job_id), tokens, strict=True):
            var.reset(token)
