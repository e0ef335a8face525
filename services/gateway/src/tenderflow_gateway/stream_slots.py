"""Bounds on open event streams: each holds a connection and a task for minutes, so one tenant cannot take a
replica's all, and a replica refuses more than it can hold."""

from collections import Counter

from tenderflow_common.problems import Problem

RETRY_AFTER_SECONDS = 5


class StreamSlots:
    """Open streams counted per tenant and in all, on this replica; a slot is taken before a stream opens and
    released when it ends."""

    def __init__(self, per_tenant: int, per_replica: int) -> None:
        self._per_tenant = per_tenant
        self._per_replica = per_replica
        self._open: Counter[str] = Counter()

    def take(self, tenant_id: str) -> None:
        """429 past the tenant's streams, 503 past the replica's; otherwise the slot is the caller's to release."""
        if self._open[tenant_id] >= self._per_tenant:
            raise Problem(429, "Too many event streams",
                          f"A tenant may follow at most {self._per_tenant} jobs at once on each gateway replica; "
                          "close a stream, or poll GET /v1/jobs/{id}.", kind="too-many-streams",
                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)}, retry_after_seconds=RETRY_AFTER_SECONDS)
        if self.open() >= self._per_replica:
            raise Problem(503, "Event streams are full", "This gateway replica holds as many event streams as it "
                          "can; try again shortly, or poll GET /v1/jobs/{id}.", kind="streams-full",
                          headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        self._open[tenant_id] += 1

    async def release(self, tenant_id: str) -> None:
        """Give the slot back (async, to run as the response's background task once the stream has ended)."""
        self._open[tenant_id] -= 1
        if self._open[tenant_id] <= 0:
            del self._open[tenant_id]

    def open(self) -> int:
        return self._open.total()
