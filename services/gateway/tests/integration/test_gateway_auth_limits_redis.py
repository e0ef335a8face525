"""Failed authentications per address and weighted uploads are counted in the real Redis, shared by replicas."""

import uuid

import pytest

from tenderflow_common.problems import Problem
from tenderflow_gateway.rate_limits import FailedAuthLimiter, TenantRateLimiter, rate_limit_storage

pytestmark = pytest.mark.integration


async def test_failures_from_one_address_add_up_across_replicas(redis_url):
    first, second = (FailedAuthLimiter(rate_limit_storage(redis_url), 3) for _ in range(2))
    address, other = f"address-{uuid.uuid4().hex}", f"other-{uuid.uuid4().hex}"
    for limiter in (first, second, first):
        await limiter.refuse_if_blocked(address)
        await limiter.count_failure(address)
    with pytest.raises(Problem) as blocked:
        await second.refuse_if_blocked(address)
    assert blocked.value.status == 429 and 1 <= int(blocked.value.headers["Retry-After"]) <= 61
    await first.refuse_if_blocked(other)


async def test_an_upload_spends_its_weight(redis_url):
    limiter = TenantRateLimiter(rate_limit_storage(redis_url), 10, upload_weight=10)
    tenant = f"t-{uuid.uuid4().hex}"
    await limiter.check(tenant, limiter.upload_weight)
    with pytest.raises(Problem) as limited:
        await limiter.check(tenant)
    assert limited.value.status == 429
