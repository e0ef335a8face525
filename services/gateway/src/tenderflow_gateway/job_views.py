"""Job views as the jobs service publishes them to Redis: a job's status without the hop to the jobs service."""

import json
import logging
from datetime import UTC, datetime

import redis.asyncio as redis
from redis.exceptions import RedisError

from tenderflow_common.contracts.jobs import TERMINAL_STATUSES
from tenderflow_common.job_views import FIELDS, remaining_seconds, served_view, view_key

log = logging.getLogger(__name__)


class JobViewReader:
    """One Redis read per job view; None whenever the jobs service must be asked instead (no Redis, no view yet,
    a newer version about to commit, Redis unavailable)."""

    def __init__(self, client: redis.Redis | None, namespace: str = "") -> None:
        self._client = client
        self._namespace = namespace

    async def view(self, tenant_id: str, job_id: str) -> bytes | None:
        """The JobView's JSON, its ETA brought up to now."""
        if self._client is None:
            return None
        try:
            fields = await self._client.hmget(view_key(self._namespace, tenant_id, job_id), FIELDS)
        except RedisError:
            log.warning("job views: Redis unavailable; reading the jobs service", exc_info=True)
            return None
        body = served_view(fields)
        return None if body is None else with_current_eta(body, datetime.now(UTC))


def with_current_eta(body: bytes, now: datetime) -> bytes:
    """A finished job's view as stored; a running one's ETA is a function of the time, so it is computed now."""
    view = json.loads(body)
    if view["status"] in TERMINAL_STATUSES:
        return body
    created_at = datetime.fromisoformat(view["created_at"])
    view["eta_seconds"] = remaining_seconds(view["progress"]["percent"], created_at, False, now)
    return json.dumps(view, separators=(",", ":")).encode()
