"""A rate-limit check is one Redis round trip, whether the request fits or is refused, and it still limits; a job
poll spends its budget and reads its job's view in that same round trip."""

import json
import uuid

import pytest
import redis.asyncio as redis

from tenderflow_common.job_views import PUT_IF_NEWER, view_key
from tenderflow_common.problems import Problem
from tenderflow_gateway.auth import Unspent
from tenderflow_gateway.job_views import JobViewReader
from tenderflow_gateway.rate_limits import (
    FailedAuthLimiter,
    MemoryWindows,
    RequestWeights,
    TenantRateLimiter,
    rate_limit_storage,
)

pytestmark = pytest.mark.integration


def counting_commands(windows) -> list[str]:
    """The names of the commands the windows' Redis connection sends from now on."""
    sent: list[str] = []
    call = windows._redis.call

    async def counted(*parts):
        sent.append(str(parts[0]))
        return await call(*parts)

    windows._redis.call = counted
    return sent


async def test_a_tenant_check_is_one_round_trip_allowed_or_refused(redis_url):
    windows = rate_limit_storage(redis_url, f"test-{uuid.uuid4().hex}.")
    limiter, tenant = TenantRateLimiter(windows, 2), f"t-{uuid.uuid4().hex}"
    await limiter.check(f"warm-{tenant}")  # loads the script once
    sent = counting_commands(windows)
    await limiter.check(tenant)
    await limiter.check(tenant)
    assert sent == ["EVALSHA", "EVALSHA"]
    with pytest.raises(Problem) as refused:
        await limiter.check(tenant)
    assert refused.value.status == 429 and 59 <= int(refused.value.headers["Retry-After"]) <= 61
    assert sent == ["EVALSHA"] * 3


async def test_a_blocked_address_costs_one_round_trip_and_testing_counts_nothing(redis_url):
    windows = rate_limit_storage(redis_url, f"test-{uuid.uuid4().hex}.")
    limiter, address = FailedAuthLimiter(windows, 2), f"a-{uuid.uuid4().hex}"
    for _ in range(5):
        await limiter.refuse_if_blocked(address)
    await limiter.count_failure(address)
    await limiter.count_failure(address)
    sent = counting_commands(windows)
    with pytest.raises(Problem):
        await limiter.refuse_if_blocked(address)
    assert sent == ["EVALSHA"]


async def test_a_job_poll_spends_its_budget_and_reads_the_view_in_one_round_trip(redis_url):
    namespace = f"test-{uuid.uuid4().hex}."
    windows = rate_limit_storage(redis_url, namespace)
    view = json.dumps({"job_id": "j", "status": "succeeded"})
    async with redis.from_url(redis_url) as jobs_service:
        await jobs_service.eval(PUT_IF_NEWER, 1, view_key(namespace, "tenant-a", "j"), 1, view, 60)
    reader = JobViewReader(TenantRateLimiter(windows, 2), namespace)
    await reader.view(Unspent("warm-up", 1), "j")  # loads the script once
    sent = counting_commands(windows)
    assert await reader.view(Unspent("tenant-a", 1), "j") == view.encode()
    assert await reader.view(Unspent("tenant-b", 1), "j") is None  # another tenant's id finds nothing
    assert sent == ["EVALSHA", "EVALSHA"]
    await reader.view(Unspent("tenant-a", 1), "j")
    with pytest.raises(Problem) as refused:
        await reader.view(Unspent("tenant-a", 1), "j")
    assert refused.value.status == 429 and sent == ["EVALSHA"] * 4


async def test_memory_windows_limit_alike():
    limiter, tenant = TenantRateLimiter(MemoryWindows(), 3, RequestWeights(upload=2)), "t"
    await limiter.check(tenant, limiter.weights.upload)
    await limiter.check(tenant)
    with pytest.raises(Problem) as refused:
        await limiter.check(tenant)
    assert int(refused.value.headers["Retry-After"]) >= 59
    await limiter.check("another tenant", 3)
