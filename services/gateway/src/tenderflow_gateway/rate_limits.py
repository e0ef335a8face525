"""Requests per tenant per minute, counted in Redis so that every gateway replica shares one budget."""

import logging
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from tenderflow_common.problems import Problem

log = logging.getLogger(__name__)


def rate_limit_storage(redis_url: str) -> Storage:
    """Redis when configured; embedded mode (no Redis) counts in memory, which suits its single process."""
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(redis_url.replace("redis://", "async+redis://", 1), implementation="redispy",
                        key_prefix="tenderflow-gateway")


class TenantRateLimiter:
    """A moving one-minute window per tenant; past it, 429 with the seconds until a request fits again."""

    def __init__(self, storage: Storage, per_minute: int) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None

    async def check(self, tenant_id: str) -> None:
        if self._item is None:
            return
        try:
            allowed = await self._limiter.hit(self._item, "tenant", tenant_id)
            if allowed:
                return
            reset_at, _ = await self._limiter.get_window_stats(self._item, "tenant", tenant_id)
        except Exception:
            log.exception("rate limit store unavailable; letting the request through")
            return
        retry_after = max(1, int(reset_at - time.time()) + 1)
        raise Problem(429, "Too many requests", f"The limit is {self._item.amount} requests a minute per tenant.",
                      kind="rate-limited", headers={"Retry-After": str(retry_after)}, retry_after_seconds=retry_after)
