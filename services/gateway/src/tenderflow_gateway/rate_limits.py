"""Requests per tenant and failed authentications per client address, per minute, counted in Redis so that every
gateway replica shares one budget; each check is one round trip, a script that tests and counts together."""

import logging
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tenderflow_common.problems import Problem
from tenderflow_gateway.redis_pipe import RedisPipe, Script

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60
# How long an address found with failures to spare is let through without asking Redis again.
CLEAR_SECONDS = 1.0
MAX_CLEAR_ADDRESSES = 10_000

# A moving window: KEYS[1] lists its entries' times, newest first. ARGV: now, limit, window seconds, cost, and 1 to
# count the hit when it fits. False when `cost` more entries fit; else the time the entry in the way leaves the window.
_TAKE = """
local function take()
    local now, limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
    local in_the_way = redis.call('LINDEX', KEYS[1], limit - cost)
    if in_the_way and tonumber(in_the_way) > now - window then
        return tostring(tonumber(in_the_way) + window)
    end
    if ARGV[5] == '1' then
        for _ = 1, cost do redis.call('LPUSH', KEYS[1], ARGV[1]) end
        redis.call('LTRIM', KEYS[1], 0, limit - 1)
        redis.call('EXPIRE', KEYS[1], window)
    end
    return false
end
"""
MOVING_WINDOW = _TAKE + "return take()"
# The same, then the fields ARGV[6..] of the hash KEYS[2]: a request's budget and its one read in one round trip.
TAKE_THEN_READ = _TAKE + "return {take(), redis.call('HMGET', KEYS[2], unpack(ARGV, 6))}"


class Windows(Protocol):
    """Moving one-minute windows by key."""

    async def take(self, key: str, limit: int, cost: int = 1, *, count: bool = True) -> float | None:
        """None when `cost` more fit in the window (counted unless `count` is false), else when they will."""

    async def aclose(self) -> None:
        """Let go of the store's connection."""


class RedisWindows:
    """Windows every gateway replica shares."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = RedisPipe(url)
        self._take = Script(MOVING_WINDOW)
        self._take_then_read = Script(TAKE_THEN_READ)
        self._prefix = prefix

    async def take(self, key: str, limit: int, cost: int = 1, *, count: bool = True) -> float | None:
        args = [repr(time.time()), limit, WINDOW_SECONDS, cost, int(count)]
        fits_at = await self._redis.run(self._take, [f"{self._prefix}/{key}"], args)
        return None if fits_at is None else float(fits_at)

    async def take_then_read(self, key: str, limit: int, cost: int, hash_key: str,
                             fields: Sequence[str]) -> tuple[float | None, list]:
        """`take`, and the fields of another key's hash read in the same round trip."""
        args = [repr(time.time()), limit, WINDOW_SECONDS, cost, 1, *fields]
        fits_at, values = await self._redis.run(self._take_then_read, [f"{self._prefix}/{key}", hash_key], args)
        return (None if fits_at is None else float(fits_at)), values

    async def read(self, hash_key: str, fields: Sequence[str]) -> list:
        return await self._redis.call("HMGET", hash_key, *fields)

    async def aclose(self) -> None:
        await self._redis.aclose()


class MemoryWindows:
    """Windows of one process (embedded mode, which has no Redis and one gateway)."""

    def __init__(self) -> None:
        self._entries: defaultdict[str, deque[float]] = defaultdict(deque)

    async def take(self, key: str, limit: int, cost: int = 1, *, count: bool = True) -> float | None:
        now, entries = time.time(), self._entries[key]
        if len(entries) > limit - cost and entries[limit - cost] > now - WINDOW_SECONDS:
            return entries[limit - cost] + WINDOW_SECONDS
        if count:
            entries.extendleft([now] * cost)
            while len(entries) > limit:
                entries.pop()
        return None

    async def aclose(self) -> None:
        return None


def rate_limit_storage(redis_url: str, namespace: str = "") -> Windows:
    """Redis when configured; embedded mode (no Redis) counts in memory, which suits its single process.

    `namespace` (the topic prefix) keeps the budgets of isolated deployments sharing one Redis apart."""
    if not redis_url:
        return MemoryWindows()
    return RedisWindows(redis_url, f"{namespace}tenderflow-gateway")


def _too_many(reset_at: float, detail: str) -> Problem:
    retry_after = max(1, int(reset_at - time.time()) + 1)
    return Problem(429, "Too many requests", detail, kind="rate-limited", headers={"Retry-After": str(retry_after)},
                   retry_after_seconds=retry_after)


READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RequestWeights:
    """How many requests of a tenant's budget one request spends: a read one, a write more, a run (a job answering
    questions) more again, and an upload (a package streamed in, then a whole job) the most."""

    upload: int = 10
    run: int = 5
    write: int = 2

    def cost(self, method: str, path: str) -> int:
        if method in READS:
            return 1
        path = path.rstrip("/")
        if method == "POST" and path.endswith("/v1/documents"):
            return self.upload
        if method == "POST" and path.startswith("/v1/workspaces/") and path.endswith("/runs"):
            return self.run
        return self.write


class TenantRateLimiter:
    """A moving one-minute window per tenant; past it, 429 with the seconds until a request fits again. A request
    spends its `weights.cost` of the window."""

    def __init__(self, storage: Windows, per_minute: int, weights: RequestWeights | None = None) -> None:
        self._windows = storage
        self._per_minute = per_minute
        self.weights = weights or RequestWeights()

    async def check(self, tenant_id: str, cost: int = 1) -> None:
        if self._per_minute <= 0:
            return
        try:
            fits_at = await self._windows.take(f"tenant/{tenant_id}", self._per_minute, min(cost, self._per_minute))
        except Exception:
            log.exception("rate limit store unavailable; letting the request through")
            return
        if fits_at is not None:
            raise _too_many(fits_at, f"The limit is {self._per_minute} requests a minute per tenant.")

    async def check_then_read(self, tenant_id: str, cost: int, hash_key: str, fields: Sequence[str]) -> list | None:
        """`check`, and the fields of the hash `hash_key` read in the same round trip; None when they were not read
        (no Redis, or Redis unavailable, when the request is let through as `check` lets it)."""
        if not isinstance(self._windows, RedisWindows):
            await self.check(tenant_id, cost)
            return None
        try:
            if self._per_minute <= 0:
                return await self._windows.read(hash_key, fields)
            fits_at, values = await self._windows.take_then_read(f"tenant/{tenant_id}", self._per_minute,
                                                                  min(cost, self._per_minute), hash_key, fields)
        except Exception:
            log.exception("rate limit store unavailable; letting the request through")
            return None
        if fits_at is not None:
            raise _too_many(fits_at, f"The limit is {self._per_minute} requests a minute per tenant.")
        return values


class FailedAuthLimiter:
    """A moving one-minute window of failed authentications per client address, so keys cannot be guessed at
    speed; once spent, that address gets 429 without its credentials being looked at.

    An address found with failures to spare is remembered as clear for `CLEAR_SECONDS`, so a client polling with a
    good key costs no round trip for it; any failure through this replica forgets that at once, so past the limit
    an address gets at most one more attempt through each replica."""

    def __init__(self, storage: Windows, per_minute: int) -> None:
        self._windows = storage
        self._per_minute = per_minute
        self._clear_until: dict[str, float] = {}

    async def refuse_if_blocked(self, address: str) -> None:
        """429 when this address has no failed attempt left in the window."""
        if self._per_minute <= 0 or self._clear_until.get(address, 0.0) > time.monotonic():
            return
        try:
            fits_at = await self._windows.take(f"auth-failures/{address}", self._per_minute, count=False)
        except Exception:
            log.exception("rate limit store unavailable; not limiting failed authentication")
            return
        if fits_at is not None:
            raise _too_many(fits_at, f"Over {self._per_minute} failed authentications a minute from this address.")
        if len(self._clear_until) >= MAX_CLEAR_ADDRESSES:
            self._clear_until.clear()
        self._clear_until[address] = time.monotonic() + CLEAR_SECONDS

    async def count_failure(self, address: str) -> None:
        self._clear_until.pop(address, None)
        if self._per_minute <= 0:
            return
        try:
            await self._windows.take(f"auth-failures/{address}", self._per_minute)
        except Exception:
            log.exception("rate limit store unavailable; a failed authentication went uncounted")
