"""Job views as the jobs service publishes them to Redis: a job's status without the hop to the jobs service."""

import json
from datetime import UTC, datetime

from tenderflow_common.contracts.jobs import TERMINAL_STATUSES
from tenderflow_common.job_views import FIELDS, remaining_seconds, served_view, view_key
from tenderflow_gateway.auth import Unspent
from tenderflow_gateway.rate_limits import TenantRateLimiter

# How many finished views (by key and version) are remembered as needing no new ETA.
MAX_FINISHED_REMEMBERED = 10_000


class JobViewReader:
    """A job view read in the same Redis round trip as the request's budget is spent; None whenever the jobs
    service must be asked instead (no Redis, no view yet, a newer version about to commit, Redis unavailable)."""

    def __init__(self, limiter: TenantRateLimiter | None, namespace: str = "") -> None:
        self._limiter = limiter
        self._namespace = namespace
        # A finished view polled again and again is parsed once; it is known by its key, version and the hash of
        # its body, since views rebuilt from scratch may number their versions again.
        self._finished: set[tuple[str, bytes, int]] = set()

    async def view(self, caller: Unspent, job_id: str) -> bytes | None:
        """The JobView's JSON, its ETA brought up to now, once the caller's budget is spent (429 when it is not)."""
        if self._limiter is None:
            return None
        key = view_key(self._namespace, caller.tenant_id, job_id)
        fields = await self._limiter.check_then_read(caller.tenant_id, caller.cost, key, FIELDS)
        body = served_view(fields) if fields is not None else None
        if body is None or (finished := (key, fields[0], hash(body))) in self._finished:
            return body
        current = with_current_eta(body, datetime.now(UTC))
        if current is body:
            if len(self._finished) >= MAX_FINISHED_REMEMBERED:
                self._finished.clear()
            self._finished.add(finished)
        return current


def with_current_eta(body: bytes, now: datetime) -> bytes:
    """A finished job's view as stored; a running one's ETA is a function of the time, so it is computed now."""
    view = json.loads(body)
    if view["status"] in TERMINAL_STATUSES:
        return body
    created_at = datetime.fromisoformat(view["created_at"])
    view["eta_seconds"] = remaining_seconds(view["progress"]["percent"], created_at, False, now)
    return json.dumps(view, separators=(",", ":")).encode()
