"""/v1/workspaces through the gateway, with the real workspace service in process and the jobs service faked."""

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import Service
from tenderflow_common.settings import PlatformSettings, RedisSettings
from tenderflow_gateway import repository
from tenderflow_gateway.main import MIGRATIONS, build_service
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_workspace import main as workspace_main
from tenderflow_workspace.settings import WorkspaceSettings

PROBLEM = "application/problem+json"


@dataclass
class JobsService:
    """The jobs service's internal API as the gateway reads it: `running` jobs by the workspace they name."""

    running: dict[str, list[str]] = field(default_factory=dict)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        jobs = self.running.get(params.get("workspace", ""), []) if params.get("status") == "running" else []
        now = datetime.now(UTC).isoformat()
        return httpx.Response(200, json={"jobs": [
            {"job_id": job_id, "tenant_id": "t", "status": "running", "stage": "ingesting",
             "progress": {"percent": 10}, "created_at": now, "updated_at": now} for job_id in jobs]})


@dataclass
class Setup:
    gateway: Service
    client: httpx.AsyncClient
    jobs: JobsService

    async def key(self, tenant: str = "acme", scopes: frozenset[str] = frozenset({"read", "write"})) -> dict:
        async with self.gateway.runtime.sessions() as session, session.begin():
            tenant_id = await repository.ensure_tenant(session, tenant)
            return {"X-API-Key": (await repository.create_key(session, tenant_id, scopes=scopes))[1]}

    async def cancels(self) -> list[str]:
        """Jobs the gateway has asked to cancel, from its outbox."""
        outbox = self.gateway.runtime.tables.outbox
        async with self.gateway.runtime.sessions() as session:
            return list((await session.execute(select(outbox.c.key))).scalars())


@pytest.fixture
async def setup(tmp_path) -> AsyncIterator[Setup]:
    platform = PlatformSettings(internal_signing_key=secrets.token_urlsafe(48))
    workspace = workspace_main.build_service(WorkspaceSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}", platform=platform), InMemoryTransport())
    await upgrade_to_head(workspace_main.MIGRATIONS, workspace.runtime.database_url)
    gateway_url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    await upgrade_to_head(MIGRATIONS, gateway_url)
    jobs = JobsService()
    gateway = build_service(GatewaySettings(database_url=gateway_url, redis=RedisSettings(url=""), platform=platform),
                            InMemoryTransport(), peers={"jobs": httpx.MockTransport(jobs),
                                                        "workspace": httpx.ASGITransport(app=workspace.app)})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway.app), base_url="http://gw") as client:
        try:
            yield Setup(gateway, client, jobs)
        finally:
            await workspace.runtime.engine.dispose()
            await gateway.runtime.engine.dispose()


async def test_workspaces_are_created_listed_read_changed_and_kept_to_their_tenant(setup: Setup):
    acme, globex = await setup.key("acme"), await setup.key("globex")
    created = await setup.client.post("/v1/workspaces", headers=acme, json={"name": "harbour",
                                                                           "settings": {"top_k": 12}})
    assert created.status_code == 201, created.text
    workspace = created.json()
    assert created.headers["location"] == f"/v1/workspaces/{workspace['id']}"
    await setup.client.post("/v1/workspaces", headers=acme, json={"name": "fjord"})

    again = await setup.client.post("/v1/workspaces", headers=acme, json={"name": "harbour"})
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert again.json()["type"] == "urn:tenderflow:problem:workspace-exists"
    invalid = await setup.client.post("/v1/workspaces", headers=acme, json={"name": "a b", "backend": "x"})
    assert invalid.status_code == 422 and invalid.headers["content-type"] == PROBLEM
    for settings in ({"top_k": True}, {"anythingllm": {"temperature": False}}):  # JSON booleans are no numbers
        refused = await setup.client.post("/v1/workspaces", headers=acme, json={"name": "x", "settings": settings})
        assert refused.status_code == 422, settings

    page = (await setup.client.get("/v1/workspaces", headers=acme, params={"limit": 1})).json()
    assert [w["name"] for w in page["workspaces"]] == ["fjord"]
    rest = (await setup.client.get("/v1/workspaces", headers=acme, params={"cursor": page["next_cursor"]})).json()
    assert [w["name"] for w in rest["workspaces"]] == ["harbour"] and rest["next_cursor"] is None
    assert (await setup.client.get("/v1/workspaces", headers=acme, params={"cursor": "¥OE"})).status_code == 422

    url = f"/v1/workspaces/{workspace['id']}"
    read = (await setup.client.get(url, headers=acme)).json()
    assert read["backend"] == "builtin" and read["settings"]["top_k"] == 12
    assert read["documents"] == 0 and read["indexing"] == "empty" and read["last_job"] is None
    changed = await setup.client.patch(url, headers=acme, json={"settings": {"model": "openai:gpt-4o-mini"}})
    assert changed.status_code == 200
    assert changed.json()["settings"]["model"] == "openai:gpt-4o-mini" and changed.json()["settings"]["top_k"] == 12

    for method in ("GET", "PATCH", "DELETE"):
        response = await setup.client.request(method, url, headers=globex, json={"settings": {}})
        assert response.status_code == 404 and response.headers["content-type"] == PROBLEM, method
    assert (await setup.client.get("/v1/workspaces", headers=globex)).json()["workspaces"] == []


async def test_a_read_only_key_reads_workspaces_but_changes_none(setup: Setup):
    reader = await setup.key(scopes=frozenset({"read"}))
    assert (await setup.client.get("/v1/workspaces", headers=reader)).status_code == 200
    refused = await setup.client.post("/v1/workspaces", headers=reader, json={"name": "harbour"})
    assert refused.status_code == 403 and refused.json()["required_scope"] == "write"


async def test_a_delete_waits_for_running_jobs_unless_forced_which_cancels_them_first(setup: Setup):
    acme = await setup.key()
    workspace = (await setup.client.post("/v1/workspaces", headers=acme, json={"name": "harbour"})).json()
    url = f"/v1/workspaces/{workspace['id']}"
    setup.jobs.running = {"harbour": ["job-by-name"], workspace["id"]: ["job-by-id"]}

    refused = await setup.client.delete(url, headers=acme)
    assert refused.status_code == 409 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["jobs"] == ["job-by-id", "job-by-name"]
    assert await setup.cancels() == []
    assert (await setup.client.get(url, headers=acme)).status_code == 200

    assert (await setup.client.delete(url, headers=acme, params={"force": "true"})).status_code == 204
    assert sorted(await setup.cancels()) == ["job-by-id", "job-by-name"]
    assert (await setup.client.get(url, headers=acme)).status_code == 404
    assert (await setup.client.delete(url, headers=acme, params={"force": "true"})).status_code == 404


async def test_the_routes_are_documented_with_examples(setup: Setup):
    paths = (await setup.client.get("/openapi.json")).json()["paths"]
    assert {"get", "post"} <= set(paths["/v1/workspaces"])
    assert {"get", "patch", "delete"} <= set(paths["/v1/workspaces/{workspace_id}"])
    create = paths["/v1/workspaces"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]["anythingllm"]["value"]["backend"] == \
        "anythingllm"
    assert "409" in paths["/v1/workspaces/{workspace_id}"]["delete"]["responses"]
