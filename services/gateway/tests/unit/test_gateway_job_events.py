"""GET /v1/jobs/{id}/events over a real HTTP connection (a stream cannot be read through an in-process transport,
which waits for the whole body): a gateway without Redis, whose streams re-read a faked jobs service."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import jwt
import pytest
import uvicorn
from httpx_sse import ServerSentEvent, aconnect_sse

from tenderflow_common.contracts.jobs import JobProgress, JobView
from tenderflow_common.job_views import VERSION_HEADER

KEEPALIVE_SECONDS = 0.2
WAIT_SECONDS = 30.0


class FakeJobs:
    """The jobs service's internal read of a job, by the tenant its token names, at a version the test moves on."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], tuple[int, dict]] = {}

    def put(self, tenant_id: str, job_id: str, version: int, status: str = "running", stage: str = "ingesting",
            percent: float = 10.0, filename: str = "a.zip") -> None:
        now = datetime.now(UTC)
        view = JobView(job_id=job_id, tenant_id=tenant_id, status=status, stage=stage,
                       progress=JobProgress(percent=percent), filename=filename, created_at=now, updated_at=now)
        self.jobs[tenant_id, job_id] = (version, view.model_dump(mode="json"))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/internal/jobs":
            return httpx.Response(200, json={"jobs": []})
        token = request.headers["authorization"].removeprefix("Bearer ")
        tenant_id = jwt.decode(token, options={"verify_signature": False})["sub"]
        found = self.jobs.get((tenant_id, request.url.path.rsplit("/", 1)[-1]))
        if found is None:
            return httpx.Response(404, json={"title": "Job not found"})
        return httpx.Response(200, json=found[1], headers={VERSION_HEADER: str(found[0])})


@dataclass
class Served:
    """A gateway listening on a port, its faked jobs service, and a client of it."""

    jobs: FakeJobs
    client: httpx.AsyncClient
    key: str
    tenant_id: str
    make_key: object

    def events(self, job_id: str, key: str | None = None, **headers: str):
        return aconnect_sse(self.client, "GET", f"/v1/jobs/{job_id}/events",
                            headers={"X-API-Key": key or self.key, **headers})


@pytest.fixture
async def serve(make_gateway) -> AsyncIterator:
    """Start gateways on ports of their own, with the settings of the test's choosing; stopped afterwards."""
    servers: list[tuple[uvicorn.Server, asyncio.Task, httpx.AsyncClient]] = []

    async def start(**settings) -> Served:
        jobs = FakeJobs()
        gateway = await make_gateway(jobs=jobs, **({"events_keepalive_seconds": KEEPALIVE_SECONDS,
                                                   "events_reread_seconds": 0.05, "events_per_tenant": 2} | settings))
        server = uvicorn.Server(uvicorn.Config(gateway.service.app, host="127.0.0.1", port=0, lifespan="off",
                                               log_level="warning"))
        task = asyncio.create_task(server.serve())
        for _ in range(int(WAIT_SECONDS / 0.01)):
            if server.started:
                break
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=WAIT_SECONDS)
        servers.append((server, task, client))
        return Served(jobs, client, await gateway.key(), await gateway.tenant_id(), gateway.key)

    yield start
    for server, task, client in servers:
        await client.aclose()
        server.should_exit = True
        await asyncio.wait_for(task, WAIT_SECONDS)


@pytest.fixture
async def served(serve) -> Served:
    return await serve()


async def received(events: AsyncIterator[ServerSentEvent], count: int) -> list[ServerSentEvent]:
    """The next `count` events (the reader reports a keep-alive comment as an event without data: skipped), or a
    failure when they do not come in time."""
    found = []
    async with asyncio.timeout(WAIT_SECONDS):
        while len(found) < count:
            if (event := await anext(events)).data:
                found.append(event)
    return found


async def all_events(events: AsyncIterator[ServerSentEvent]) -> list[ServerSentEvent]:
    """Every event with data until the stream closes."""
    async with asyncio.timeout(WAIT_SECONDS):
        return [event async for event in events if event.data]


async def test_each_change_is_an_event_and_the_terminal_one_ends_the_stream(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 1, status="queued", stage="queued", percent=0)
    async with served.events("j1") as source:
        assert source.response.headers["content-type"].startswith("text/event-stream")
        events = source.aiter_sse()
        [first] = await received(events, 1)
        served.jobs.put(served.tenant_id, "j1", 2, percent=20)
        [second] = await received(events, 1)
        served.jobs.put(served.tenant_id, "j1", 3, percent=20, filename="renamed.zip")  # nothing shown moved
        await asyncio.sleep(0.3)
        served.jobs.put(served.tenant_id, "j1", 4, status="succeeded", stage="done", percent=100)
        [last] = await received(events, 1)
        rest = await all_events(events)
    assert [(e.event, e.id) for e in (first, second, last)] == [("job", "1"), ("job", "2"), ("end", "4")]
    assert first.json()["status"] == "queued" and second.json()["progress"]["percent"] == 20
    assert last.json()["status"] == "succeeded" and last.json()["job_id"] == "j1"
    assert rest == []


async def test_last_event_id_resumes_after_it(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 5, percent=50)
    async with served.events("j1", **{"Last-Event-ID": "3"}) as source:
        [caught_up] = await received(source.aiter_sse(), 1)
    assert caught_up.id == "5"

    async with served.events("j1", **{"Last-Event-ID": "5"}) as source:
        await asyncio.sleep(0.3)  # several re-reads of version 5, none of them sent
        served.jobs.put(served.tenant_id, "j1", 6, percent=60)
        [first] = await received(source.aiter_sse(), 1)
    assert first.id == "6" and first.json()["progress"]["percent"] == 60


async def test_a_finished_job_answers_its_end_whatever_the_id(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 9, status="failed", stage="ingesting")
    async with served.events("j1", **{"Last-Event-ID": "9"}) as source:
        events = await all_events(source.aiter_sse())
    assert [(e.event, e.id) for e in events] == [("end", "9")]


async def test_a_quiet_stream_gets_keepalive_comments(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 1)
    comments = []
    async with served.client.stream("GET", "/v1/jobs/j1/events", headers={"X-API-Key": served.key}) as response:
        async with asyncio.timeout(WAIT_SECONDS):
            async for line in response.aiter_lines():
                if line.startswith(":"):
                    comments.append(line)
                if len(comments) == 2:
                    break
    assert all("ping" in comment for comment in comments)


async def test_another_tenants_job_and_an_unknown_job_are_not_found(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 1)
    other = await served.make_key("other")
    for key, job_id in ((other, "j1"), (served.key, "nope")):
        response = await served.client.get(f"/v1/jobs/{job_id}/events", headers={"X-API-Key": key})
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:tenderflow:problem:job-not-found"


async def test_a_job_gone_while_followed_ends_the_stream(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 1)
    async with served.events("j1") as source:
        events = source.aiter_sse()
        await received(events, 1)
        del served.jobs.jobs[served.tenant_id, "j1"]
        [gone] = await received(events, 1)
        rest = await all_events(events)
    assert gone.event == "gone" and gone.json()["status"] == 404 and rest == []


async def test_an_unreadable_last_event_id_is_a_422(served: Served) -> None:
    served.jobs.put(served.tenant_id, "j1", 1)
    response = await served.client.get("/v1/jobs/j1/events",
                                       headers={"X-API-Key": served.key, "Last-Event-ID": "seven"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"


async def test_streams_per_tenant_are_bounded_and_a_closed_one_frees_its_slot(served: Served) -> None:
    for job_id in ("j1", "j2", "j3"):
        served.jobs.put(served.tenant_id, job_id, 1)
    headers = {"X-API-Key": served.key}
    async with asyncio.timeout(WAIT_SECONDS), contextlib.AsyncExitStack() as open_streams:
        for job_id in ("j1", "j2"):
            opened = await open_streams.enter_async_context(served.client.stream("GET", f"/v1/jobs/{job_id}/events",
                                                                                 headers=headers))
            assert opened.status_code == 200
        refused = await served.client.get("/v1/jobs/j3/events", headers=headers)
    assert refused.status_code == 429
    assert refused.json()["type"] == "urn:tenderflow:problem:too-many-streams" and refused.headers["Retry-After"]
    async with asyncio.timeout(WAIT_SECONDS):
        for _ in range(int(WAIT_SECONDS / 0.05)):  # until the server has seen both clients go
            async with served.client.stream("GET", "/v1/jobs/j3/events", headers=headers) as again:
                if again.status_code == 200:
                    break
            await asyncio.sleep(0.05)
    assert again.status_code == 200


async def test_a_stream_spends_one_request_of_the_budget_however_many_events_it_sends(serve) -> None:
    served = await serve(rate_limit_per_minute=3)
    served.jobs.put(served.tenant_id, "j1", 1)
    async with served.events("j1") as source:  # budget: 3 a minute, this is the first
        events = source.aiter_sse()
        for version in range(2, 6):
            served.jobs.put(served.tenant_id, "j1", version, percent=version * 10)
            await received(events, 1)
    assert (await served.client.get("/v1/jobs/j1", headers={"X-API-Key": served.key})).status_code == 200
    assert (await served.client.get("/v1/jobs/j1", headers={"X-API-Key": served.key})).status_code == 200
    assert (await served.client.get("/v1/jobs/j1", headers={"X-API-Key": served.key})).status_code == 429


async def test_the_openapi_document_shows_the_stream_with_an_example(served: Served) -> None:
    operation = (await served.client.get("/openapi.json")).json()["paths"]["/v1/jobs/{job_id}/events"]["get"]
    example = operation["responses"]["200"]["content"]["text/event-stream"]["example"]
    assert "event: job" in example and "event: end" in example and '"status":"succeeded"' in example
    assert "too-many-streams" in operation["responses"]["429"]["description"]
    assert "streams-full" in operation["responses"]["503"]["description"]
    assert "Last-Event-ID" in operation["description"]
    assert all(parameter["in"] != "header" for parameter in operation["parameters"])  # any header is allowed
