"""Tenants get a per-minute budget counted in the real Redis; one tenant's burst never limits another."""

import uuid

import pytest

from tenderflow_common.problems import Problem
from tenderflow_gateway.rate_limits import TenantRateLimiter, rate_limit_storage

pytestmark = pytest.mark.integration


async def test_burst_past_the_budget_gets_429_with_retry_after(redis_url):
    storage = rate_limit_storage(redis_url)
    first_gateway, second_gateway = TenantRateLimiter(storage, 3), TenantRateLimiter(rate_limit_storage(redis_url), 3)
    tenant, other = f"t-{uuid.uuid4().hex}", f"t-{uuid.uuid4().hex}"
    await first_gateway.check(tenant)
    await second_gateway.check(tenant)
    await first_gateway.check(tenant)
    with pytest.raises(Problem) as limited:
        await second_gateway.check(tenant)
    assert limited.value.status == 429
    assert 1 <= int(limited.value.headers["Retry-After"]) <= 61
    await first_gateway.check(other)


async def test_zero_means_no_limit_and_a_dead_store_lets_requests_through():
    unlimited = TenantRateLimiter(rate_limit_storage(""), 0)
    for _ in range(100):
        await unlimited.check("t")
    unreachable = TenantRateLimiter(rate_limit_storage("redis://127.0.0.1:1/0"), 1)
    await unreachable.check("t")
    await unreachable.check("t")
