"""Checked API keys are trusted in memory only briefly: a revoked or expired key is refused within the bound."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from tenderflow_gateway import repository
from tenderflow_gateway.key_cache import KeyCache
from tenderflow_gateway.repository import LiveKey


@pytest.mark.parametrize(("cache_seconds", "right_after"), [(0.5, 200), (0, 401)])
async def test_a_revoked_key_is_refused_once_its_time_in_memory_is_up(make_gateway, cache_seconds, right_after):
    gateway = await make_gateway(key_cache_seconds=cache_seconds)
    headers = {"X-API-Key": await gateway.key()}
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == 200
    async with gateway.service.runtime.sessions() as session, session.begin():
        [stored] = await repository.list_keys(session)
        assert await repository.revoke_key(session, stored["id"])
    # Trusted from memory (the database is not asked again) until the entry's time is up; with no time, never.
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == right_after
    await asyncio.sleep(cache_seconds + 0.1)
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == 401


def test_a_key_past_its_own_expiry_is_never_answered_from_memory():
    now = [100.0]
    cache = KeyCache(60, clock=lambda: now[0])
    lasting = LiveKey("k1", "t", frozenset({"read"}), None)
    expiring = LiveKey("k2", "t", frozenset({"read"}), datetime.now(UTC) + timedelta(milliseconds=50))
    cache.put("tf_lasting", lasting)
    cache.put("tf_expiring", expiring)
    assert cache.get("tf_lasting") == lasting and cache.get("tf_expiring") == expiring
    time.sleep(0.06)
    assert cache.get("tf_expiring") is None
    now[0] += 59
    assert cache.get("tf_lasting") == lasting
    now[0] += 1
    assert cache.get("tf_lasting") is None


def test_the_oldest_entries_go_first_when_full():
    cache = KeyCache(60, max_entries=2)
    for name in ("a", "b", "c"):
        cache.put(f"tf_{name}", LiveKey(name, "t", frozenset(), None))
    assert cache.get("tf_a") is None and cache.get("tf_c") is not None


async def test_concurrent_requests_share_one_lookup():
    cache, lookups = KeyCache(5), []
    stored = LiveKey("k", "t", frozenset({"read"}), None)

    async def load() -> LiveKey:
        lookups.append(1)
        await asyncio.sleep(0.05)
        return stored

    found = await asyncio.gather(*(cache.live("tf_polled", load) for _ in range(20)))
    assert found == [stored] * 20 and len(lookups) == 1
    assert await cache.live("tf_polled", load) == stored and len(lookups) == 1


async def test_a_key_near_the_end_of_its_time_is_looked_up_ahead_and_a_revocation_found_so_drops_it():
    now = [0.0]
    cache, lookups, stored = KeyCache(5, clock=lambda: now[0]), [], [LiveKey("k", "t", frozenset({"read"}), None)]

    async def load() -> LiveKey | None:
        lookups.append(now[0])
        return stored[0]

    assert await cache.live("tf_polled", load) == stored[0] and lookups == [0.0]
    now[0] = 3.0
    await cache.live("tf_polled", load)
    assert lookups == [0.0]
    stored[0] = None  # revoked meanwhile
    now[0] = 4.5
    assert await cache.live("tf_polled", load) is not None  # still within its time, answered at once
    await asyncio.sleep(0)
    assert lookups == [0.0, 4.5] and cache.get("tf_polled") is None
