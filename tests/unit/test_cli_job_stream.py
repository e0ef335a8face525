"""`tenderflow analyze` against a gateway follows the job's event stream, opens it again where it stopped when it
drops, and polls when the gateway has no stream to offer."""

import json
import os
import zipfile
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tenderflow_cli import job_stream
from tenderflow_cli.analyze import JobFailed, follow
from tenderflow_cli.main import app

from .test_cli_errors import FakeGateway, gateway  # noqa: F401  (the fixture job_gateway builds on)

RUNNING = {"job_id": "j1", "status": "running", "stage": "ingesting", "progress": {"percent": 40}}
DONE = {"job_id": "j1", "status": "succeeded", "stage": "done", "progress": {"percent": 100}, "files": []}
RESULTS = {"job_id": "j1", "answers": []}
STREAM = {"content-type": "text/event-stream"}


def sse(*events: tuple[str, str, dict]) -> bytes:
    """A stream body of (event, id, job) events, with a keep-alive comment between them."""
    return "".join(f"id: {id_}\r\nevent: {name}\r\ndata: {json.dumps(job)}\r\n\r\n: ping\r\n\r\n"
                   for name, id_, job in events).encode()


@pytest.fixture
def job_gateway(gateway: FakeGateway) -> FakeGateway:  # noqa: F811  (pytest passes the imported fixture)
    """The fake gateway, accepting an upload as job j1 and answering its results."""
    gateway.routes["POST /v1/documents"] = (202, json.dumps({"job_id": "j1"}).encode(), "application/json")
    gateway.headers["POST /v1/documents"] = {"Location": "/v1/jobs/j1"}
    gateway.routes["GET /v1/jobs/j1/results"] = (200, json.dumps(RESULTS).encode(), "application/json")
    return gateway


def analyze(fake: FakeGateway, tmp_path: Path):
    package = tmp_path / "tender.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("notice.json", "{}")
    clean = {name: None for name in os.environ if name.startswith("TENDERFLOW_")}
    return CliRunner().invoke(app, ["analyze", str(package), "--format", "json", "--gateway", fake.url,
                                    "--api-key", "key"], env=clean)


def test_analyze_follows_the_event_stream_and_never_polls(job_gateway: FakeGateway, tmp_path: Path) -> None:
    fake = job_gateway
    fake.routes["GET /v1/jobs/j1/events"] = (200, sse(("job", "3", RUNNING), ("end", "9", DONE)), "text/event-stream")
    result = analyze(fake, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == RESULTS
    assert fake.requests == ["POST /v1/documents", "GET /v1/jobs/j1/events", "GET /v1/jobs/j1/results"]


def test_analyze_polls_when_the_gateway_has_no_event_stream(job_gateway: FakeGateway, tmp_path: Path) -> None:
    fake = job_gateway
    fake.routes["GET /v1/jobs/j1"] = (200, json.dumps(DONE).encode(), "application/json")
    result = analyze(fake, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert fake.requests == ["POST /v1/documents", "GET /v1/jobs/j1/events", "GET /v1/jobs/j1",
                             "GET /v1/jobs/j1/results"]


async def test_a_dropped_stream_is_opened_again_after_the_last_event(monkeypatch) -> None:
    monkeypatch.setattr(job_stream, "RECONNECT_SECONDS", 0)
    asked_after: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked_after.append(request.headers.get("last-event-id"))
        if len(asked_after) == 1:  # the first connection ends before the job does
            return httpx.Response(200, content=sse(("job", "4", RUNNING)), headers=STREAM)
        return httpx.Response(200, content=sse(("end", "7", DONE)), headers=STREAM)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://gateway") as client:
        job = await follow(client, "/v1/jobs/j1", stream=True)
    assert job == DONE and asked_after == [None, "4"]


async def test_a_stream_that_keeps_failing_ends_in_polling(monkeypatch) -> None:
    monkeypatch.setattr(job_stream, "RECONNECT_SECONDS", 0)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path.endswith("/events"):
            raise httpx.RemoteProtocolError("peer closed connection")
        return httpx.Response(200, json=DONE)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://gateway") as client:
        job = await follow(client, "/v1/jobs/j1", stream=True)
    assert job == DONE
    assert asked == ["/v1/jobs/j1/events"] * (job_stream.MAX_RECONNECTS + 1) + ["/v1/jobs/j1"]


async def test_a_job_gone_while_followed_ends_the_wait_with_its_reason() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return httpx.Response(200, content=b'event: gone\r\ndata: {"status": 404}\r\n\r\n', headers=STREAM)
        return httpx.Response(404, json={"title": "Job not found", "status": 404})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://gateway") as client:
        with pytest.raises(JobFailed, match="Job not found"):
            await follow(client, "/v1/jobs/j1", stream=True)
