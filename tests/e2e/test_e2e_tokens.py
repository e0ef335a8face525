"""Through the running stack: a key is exchanged for a token that works as the key did, scopes hold for both, an
admin makes keys over the API, and every response carries the security headers."""

import httpx
import pytest

from tenderflow_common.db import create_engine, session_factory
from tenderflow_gateway import repository

from .support import api_key_for

pytestmark = pytest.mark.e2e


async def admin_key(database_url: str) -> str:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            tenant_id = await repository.ensure_tenant(session, "operators")
            return (await repository.create_key(session, tenant_id, scopes=frozenset({"admin"})))[1]
    finally:
        await engine.dispose()


async def test_tokens_scopes_and_admin_routes(stack):
    key = await api_key_for(stack.databases["gateway"], "acme")
    admin = {"X-API-Key": await admin_key(stack.databases["gateway"])}
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        issued = await client.post("/v1/auth/token", headers={"X-API-Key": key})
        assert issued.status_code == 200, issued.text
        bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
        jobs = await client.get("/v1/jobs", headers=bearer)
        assert jobs.status_code == 200 and jobs.json()["jobs"] == []
        assert jobs.headers["x-content-type-options"] == "nosniff" and jobs.headers["x-frame-options"] == "DENY"
        assert (await client.get("/v1/jobs", headers={"Authorization": "Bearer x.y.z"})).status_code == 401

        created = await client.post("/v1/keys", json={"tenant": "acme", "scopes": ["read"]}, headers=admin)
        assert created.status_code == 201, created.text
        reader = {"X-API-Key": created.json()["key"]}
        assert (await client.get("/v1/question-sets", headers=reader)).status_code == 200
        refused = await client.post("/v1/question-sets", headers=reader,
                                    json={"name": "x", "questions": [{"id": "q", "text": "Who?"}]})
        assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
        assert (await client.post("/v1/keys", json={"tenant": "acme"}, headers=reader)).status_code == 403
        assert (await client.delete(f"/v1/keys/{created.json()['id']}", headers=admin)).status_code == 204
        assert (await client.get("/v1/question-sets", headers=reader)).status_code == 401
