"""Failed authentications per address and weighted requests are counted in the real Redis, shared by replicas."""

import uuid

import pytest

from tenderflow_common.problems import Problem
from tenderflow_gateway.rate_limits import FailedAuthLimiter, RequestWeights, TenantRateLimiter, rate_limit_storage

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


@pytest.mark.parametrize(("method", "path", "fitting"), [
    ("GET", "/v1/jobs/some-job", 20),
    ("PATCH", "/v1/workspaces/some-workspace", 10),
    ("POST", "/v1/workspaces/some-workspace/runs", 4),
    ("POST", "/v1/documents", 2),
])
async def test_uploads_runs_and_writes_spend_more_of_the_budget_than_reads(redis_url, method, path, fitting):
    limiter = TenantRateLimiter(rate_limit_storage(redis_url), 20, RequestWeights(upload=10, run=5, write=2))
    tenant, cost = f"t-{uuid.uuid4().hex}", limiter.weights.cost(method, path)
    for _ in range(fitting):
        await limiter.check(tenant, cost)
    with pytest.raises(Problem) as limited:
        await limiter.check(tenant, cost)
    assert limited.value.status == 429
