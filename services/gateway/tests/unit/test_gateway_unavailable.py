"""A service behind the gateway that fails is a 503 with a sentence of ours: its name and error stay in the logs."""

import secrets

import httpx

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import RedisSettings
from tenderflow_gateway import repository
from tenderflow_gateway.main import MIGRATIONS, build_service
from tenderflow_gateway.settings import GatewaySettings


def failing_jobs_service(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="psycopg.OperationalError: connection to server at db-7.internal failed")


async def test_a_failing_service_is_a_503_that_names_no_service_and_no_error(tmp_path, capsys) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    await upgrade_to_head(MIGRATIONS, database_url)
    settings = GatewaySettings(database_url=database_url, redis=RedisSettings(url=""),
                               token_signing_keys={"k1": secrets.token_urlsafe(32)}, token_active_kid="k1")
    service = build_service(settings, InMemoryTransport(), peers={"jobs": httpx.MockTransport(failing_jobs_service)})
    async with service.runtime.sessions() as session, session.begin():
        key = (await repository.create_key(session, await repository.ensure_tenant(session, "acme")))[1]
    transport = httpx.ASGITransport(app=service.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.get("/v1/jobs", headers={"X-API-Key": key})
    finally:
        await service.runtime.engine.dispose()

    assert response.status_code == 503
    problem = response.json()
    assert problem["type"] == "urn:tenderflow:problem:service-unavailable"
    assert problem["correlation_id"]
    shown = f"{problem['title']} {problem['detail']}".lower()
    assert "jobs" not in shown and "500" not in shown and "db-7" not in shown
    logged = capsys.readouterr().out
    assert "jobs answered 500" in logged and problem["correlation_id"] in logged
