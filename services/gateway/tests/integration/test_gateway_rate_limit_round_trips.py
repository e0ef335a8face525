"""A rate-limit check is one Redis round trip, whether the request fits or is refused, and it still limits."""

import uuid

import pytest

from tenderflow_common.problems import Problem
from tenderflow_gateway.rate_limits import FailedAuthLimiter, MemoryWindows, TenantRateLimiter, rate_limit_storage

pytestmark = pytest.mark.integration


def counting_commands(windows) -> list[str]:
    """The names of the commands the windows' Redis client sends from now on."""
    sent: list[str] = []
    execute = windows._client.execute_command

    async def counted(*args, **options):
        sent.append(str(args[0]))
        return await execute(*args, **options)

    windows._client.execute_command = counted
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


async def test_memory_windows_limit_alike():
    limiter, tenant = TenantRateLimiter(MemoryWindows(), 3, upload_weight=2), "t"
    await limiter.check(tenant, limiter.upload_weight)
    await limiter.check(tenant)
    with pytest.raises(Problem) as refused:
        await limiter.check(tenant)
    assert int(refused.value.headers["Retry-After"]) >= 59
    await limiter.check("another tenant", 3)
