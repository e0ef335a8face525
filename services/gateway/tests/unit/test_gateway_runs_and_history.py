"""Runs over a workspace and the job history at the gateway, the services behind it faked: a run becomes one
RunQuestions command for a workspace of the caller's, taking what the body leaves out from the workspace's settings,
and history filters reach the jobs service checked, with anything the API does not know refused as a 422 problem
before it gets there."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import jwt
import pytest
from sqlalchemy import select

from tenderflow_common.contracts.jobs import JobPage, JobProgress, JobView
from tenderflow_common.contracts.workspace import WorkspaceConfiguration, WorkspaceView
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import Service
from tenderflow_common.settings import RedisSettings
from tenderflow_gateway import repository
from tenderflow_gateway.main import MIGRATIONS, build_service
from tenderflow_gateway.models import messaging
from tenderflow_gateway.settings import GatewaySettings

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HARBOUR = "5a583db8-4840-5873-9125-c0a86236c535"


def tenant_of(request: httpx.Request) -> str:
    return jwt.decode(request.headers["authorization"].removeprefix("Bearer "),
                      options={"verify_signature": False})["sub"]


@dataclass
class FakeJobs:
    """The jobs service's list, one job long for the harbour workspace; every query is kept."""

    queries: list[dict] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/internal/jobs":
            return httpx.Response(404, json={"title": "Job not found"})
        params = dict(request.url.params)
        self.queries.append(params)
        if params.get("cursor") == "forged":
            return httpx.Response(422, json={"title": "Invalid cursor"})
        jobs = [JobView(job_id="upload-1", tenant_id=tenant_of(request), status="succeeded", stage="done",
                        progress=JobProgress(percent=100), workspace="harbour", workspace_id=HARBOUR,
                        created_at=NOW, updated_at=NOW)]
        return httpx.Response(200, content=JobPage(jobs=jobs, total=1, next_cursor="next").model_dump_json())


@dataclass
class FakeWorkspaces:
    """The workspace service: the harbour workspace belongs to `owner`, with `settings`."""

    owner: str = ""
    settings: WorkspaceConfiguration = field(default_factory=WorkspaceConfiguration)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != f"/internal/workspaces/{HARBOUR}" or tenant_of(request) != self.owner:
            return httpx.Response(404, json={"title": "Workspace not found"})
        view = WorkspaceView(id=HARBOUR, name="harbour", backend="builtin", settings=self.settings, documents=2,
                             chunks=9, indexing="indexed", created_at=NOW)
        return httpx.Response(200, content=view.model_dump_json())


def fake_questions(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"providers": ["extractive", "hybrid", "openai"]})


@dataclass
class Gateway:
    service: Service
    client: httpx.AsyncClient
    jobs: FakeJobs
    workspaces: FakeWorkspaces

    async def commands(self) -> list[dict]:
        async with self.service.runtime.sessions() as session:
            payloads = (await session.execute(select(messaging.outbox.c.payload)
                                              .order_by(messaging.outbox.c.id))).scalars()
            return [json.loads(payload) for payload in payloads]


@pytest.fixture
async def gateway(tmp_path) -> AsyncIterator[Gateway]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    await upgrade_to_head(MIGRATIONS, database_url)
    jobs, workspaces = FakeJobs(), FakeWorkspaces()
    settings = GatewaySettings(database_url=database_url, redis=RedisSettings(url=""))
    peers = {"jobs": httpx.MockTransport(jobs), "workspace": httpx.MockTransport(workspaces),
             "questions": httpx.MockTransport(fake_questions)}
    service = build_service(settings, InMemoryTransport(), peers=peers)
    async with service.runtime.sessions() as session, session.begin():
        workspaces.owner = await repository.ensure_tenant(session, "acme")
        _, key = await repository.create_key(session, workspaces.owner)
        intruder = await repository.ensure_tenant(session, "globex")
        _, other_key = await repository.create_key(session, intruder)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://gateway",
                               headers={"X-API-Key": key})
    client.other_key = other_key
    yield Gateway(service, client, jobs, workspaces)
    await client.aclose()
    await service.runtime.engine.dispose()


async def test_a_run_is_one_command_for_the_named_workspace(gateway):
    body = {"questions": ["Who buys?", {"id": "deadline", "text": "When are bids due?"}],
            "model": ["extractive:default", "hybrid:openai:gpt-4o-mini"], "token_budget": 5000}
    response = await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json=body)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert response.headers["location"] == accepted["links"]["self"] == f"/v1/jobs/{accepted['job_id']}"
    [command] = await gateway.commands()
    assert command["type"] == "tenderflow.questions.run-questions.v1"
    assert command["jobid"] == accepted["job_id"]
    assert command["data"]["workspace_id"] == HARBOUR
    request = command["data"]["request"]
    assert request["workspace"] == "harbour"
    assert [(q["id"], q["text"]) for q in request["questions"]] == [("q1", "Who buys?"),
                                                                    ("deadline", "When are bids due?")]
    assert (request["model"], request["compare_with"], request["token_budget"]) == (
        "extractive:default", ["hybrid:openai:gpt-4o-mini"], 5000)
    right_away = await gateway.client.get(accepted["links"]["self"])
    assert right_away.json()["status"] == "queued"


async def test_comma_separated_models_and_a_question_set_are_taken_as_uploads_take_them(gateway):
    response = await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json={
        "question_set": "framework-checks", "model": "extractive:default, openai:gpt-4o-mini"})
    assert response.status_code == 202, response.text
    [command] = await gateway.commands()
    request = command["data"]["request"]
    assert (request["question_set"], request["questions"]) == ("framework-checks", None)
    assert (request["model"], request["compare_with"]) == ("extractive:default", ["openai:gpt-4o-mini"])


async def test_what_the_body_leaves_out_comes_from_the_workspace_then_the_installation(gateway):
    assert (await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json={})).status_code == 202
    gateway.workspaces.settings = WorkspaceConfiguration(question_set="framework-checks", model="openai:gpt-4o")
    assert (await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json={})).status_code == 202
    assert (await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json={
        "questions": ["Who buys?"], "model": "extractive:default"})).status_code == 202
    requests = [command["data"]["request"] for command in await gateway.commands()]
    assert [(r["question_set"], r["questions"] is not None, r["model"]) for r in requests] == [
        (None, False, "extractive:default"), ("framework-checks", False, "openai:gpt-4o"),
        (None, True, "extractive:default")]


async def test_a_workspace_of_another_tenant_or_of_none_is_not_found(gateway):
    for workspace, key in ((HARBOUR, gateway.client.other_key), ("no-such-workspace", None)):
        headers = {"X-API-Key": key} if key else {}
        response = await gateway.client.post(f"/v1/workspaces/{workspace}/runs", json={}, headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    assert await gateway.commands() == []


@pytest.mark.parametrize("body", [
    {"questions": ["a"], "question_set": "framework-checks"},
    {"questions": ["a", {"id": "q1", "text": "b"}], "model": "extractive:default"},
    {"questions": []},
    {"model": "no-provider-prefix"},
    {"model": "anthropic:claude"},
    {"temperature": 3},
    {"workspace": "elsewhere"},
])
async def test_a_run_the_api_cannot_take_is_a_422_problem_and_sends_nothing(gateway, body):
    response = await gateway.client.post(f"/v1/workspaces/{HARBOUR}/runs", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await gateway.commands() == []


async def test_history_filters_reach_the_jobs_service_and_its_page_comes_back(gateway):
    response = await gateway.client.get("/v1/jobs", params={
        "status": "succeeded", "kind": "upload", "workspace": "harbour", "created_after": "2026-02-01T00:00:00Z",
        "created_before": "2026-04-01T00:00:00+02:00", "limit": 5, "cursor": "abc"})
    assert response.status_code == 200, response.text
    page = response.json()
    assert ([j["job_id"] for j in page["jobs"]], page["total"], page["next_cursor"]) == (["upload-1"], 1, "next")
    sent = gateway.jobs.queries[-1]
    assert {name: sent[name] for name in ("status", "kind", "workspace", "limit", "cursor")} == {
        "status": "succeeded", "kind": "upload", "workspace": "harbour", "limit": "5", "cursor": "abc"}
    assert datetime.fromisoformat(sent["created_after"]) == datetime(2026, 2, 1, tzinfo=UTC)
    assert datetime.fromisoformat(sent["created_before"]) == datetime(2026, 3, 31, 22, tzinfo=UTC)


@pytest.mark.parametrize("params", [{"status": "done"}, {"kind": "rerun"}, {"created_after": "last week"},
                                    {"created_before": "2026-04-01T00:00:00"},
                                    {"created_after": "9999-12-31T23:59:59-23:59"}, {"created_before": "0.5"},
                                    {"created_after": "1700000000"}, {"limit": 201}, {"offset": 10},
                                    {"sort": "oldest"}, {"cursor": "forged"}])
async def test_a_history_filter_the_api_does_not_know_is_a_422_problem(gateway, params):
    response = await gateway.client.get("/v1/jobs", params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    sent_on = [query for query in gateway.jobs.queries if "cursor" not in query]
    assert sent_on == []
