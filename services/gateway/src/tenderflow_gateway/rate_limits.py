"""Requests per tenant and failed authentications per client address, per minute, counted in Redis so that every
gateway replica shares one budget."""

import logging
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from tenderflow_common.problems import Problem

log = logging.getLogger(__name__)


def rate_limit_storage(redis_url: str, namespace: str = "") -> Storage:
    """Redis when configured; embedded mode (no Redis) counts in memory, which suits its single process.

    `namespace` (the topic prefix) keeps the budgets of isolated deployments sharing one Redis apart."""
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(redis_url.replace("redis://", "async+redis://", 1), implementation="redispy",
                        key_prefix=f"{namespace}tenderflow-gateway")


def _too_many(reset_at: float, detail: str) -> Problem:
    retry_after = max(1, int(reset_at - time.time()) + 1)
    return Problem(429, "Too many requests", detail, kind="rate-limited", headers={"Retry-After": str(retry_after)},
                   retry_after_seconds=retry_after)


class TenantRateLimiter:
    """A moving one-minute window per tenant; past it, 429 with the seconds until a request fits again.

    A request may cost more than one: an upload, which streams a package and starts a whole job, costs
    `upload_weight`."""

    def __init__(self, storage: Storage, per_minute: int, upload_weight: int = 1) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        self.upload_weight = upload_weight

    async def check(self, tenant_id: str, cost: int = 1) -> None:
        if self._item is None:
            return
        try:
            allowed = await self._limiter.hit(self._item, "tenant", tenant_id, cost=min(cost, self._item.amount))
            if allowed:
                return
            reset_at, _ = await self._limiter.get_window_stats(self._item, "tenant", tenant_id)
        except Exception:
            log.exception("rate limit store unavailable; letting the request through")
            return
        raise _too_many(reset_at, f"The limit is {self._item.amount} requests a minute per tenant.")


class FailedAuthLimiter:
    """A moving one-minute window of failed authentications per client address, so keys cannot be guessed at
    speed; once spent, that address gets 429 without its credentials being looked at."""

    def __init__(self, storage: Storage, per_minute: int) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None

    async def refuse_if_blocked(self, address: str) -> None:
        """429 when this address has no failed attempt left in the window."""
        if self._item is None:
            return
        try:
            if await self._limiter.test(self._item, "auth-failures", address):
                return
            reset_at, _ = await self._limiter.get_window_stats(self._item, "auth-failures", address)
        except Exception:
            log.exception("rate limit store unavailable; not limiting failed authentication")
            return
        raise _too_many(reset_at, f"Over {self._item.amount} failed authentications a minute from this address.")

    async def count_failure(self, address: str) -> None:
        if self._item is None:
            return
        try:
            await self._limiter.hit(self._item, "auth-failures", address)
        except Exception:
            log.exception("rate limit store unavailable; a failed authentication went uncounted")
