"""The gateway limits each tenant's requests per minute, in Redis, with problem details and Retry-After."""

import httpx
import pytest

from .support import api_key_for

pytestmark = pytest.mark.e2e

BUDGET = 5


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE": str(BUDGET)}


async def test_a_tenant_past_its_budget_gets_429_and_others_do_not(stack):
    key = await api_key_for(stack.databases["gateway"], "acme")
    other = await api_key_for(stack.databases["gateway"], "globex")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        statuses = [(await client.get("/v1/jobs", headers={"X-API-Key": key})).status_code for _ in range(BUDGET)]
        assert statuses == [200] * BUDGET
        limited = await client.get("/v1/jobs", headers={"X-API-Key": key})
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert (await client.get("/v1/jobs", headers={"X-API-Key": other})).status_code == 200
        assert (await client.get("/v1/jobs", headers={"X-API-Key": "wrong"})).status_code == 401
