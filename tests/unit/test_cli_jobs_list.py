"""`tenderflow jobs list` sends the history filters the API takes, follows cursors with `--all`, and says in one
line which filter the API refused."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from typer.testing import CliRunner

from tenderflow_cli import jobs_commands
from tenderflow_cli.main import app

JOB_IDS = [f"job-{n}" for n in range(5)]


def job(job_id: str) -> dict:
    return {"job_id": job_id, "kind": "run", "status": "succeeded", "stage": "done", "progress": {"percent": 100},
            "workspace": "harbour", "filename": None, "created_at": "2026-03-01T00:00:00Z"}


class FakeHistory:
    """Pages of two jobs, the cursor being the index of the next job; a made-up status is refused like the API."""

    def __init__(self) -> None:
        self.queries: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.queries.append(params)
        if params.get("status") == "done":
            return httpx.Response(422, headers={"content-type": "application/problem+json"}, json={
                "title": "Request is not valid", "detail": "See `errors` for each problem.", "status": 422,
                "errors": [{"loc": ["query", "status"], "msg": "Input should be 'queued', 'running', ..."}]})
        start = int(params.get("cursor", 0))
        end = start + int(params["limit"])
        return httpx.Response(200, json={"jobs": [job(j) for j in JOB_IDS[start:end]], "total": len(JOB_IDS),
                                         "next_cursor": str(end) if end < len(JOB_IDS) else None})


@pytest.fixture
def history(monkeypatch) -> FakeHistory:
    fake = FakeHistory()

    @asynccontextmanager
    async def client(gateway, api_key, data_dir) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(fake), base_url="http://gateway") as http:
            yield http

    monkeypatch.setattr(jobs_commands, "gateway_client", client)
    return fake


def invoke(*args: str):
    return CliRunner().invoke(app, ["jobs", "list", *args], catch_exceptions=False, terminal_width=200)


def test_every_filter_reaches_the_api_and_one_page_is_shown_with_the_next_cursor(history):
    result = invoke("--status", "succeeded", "--kind", "run", "--workspace", "harbour", "--created-after",
                    "2026-02-01T00:00:00Z", "--created-before", "2026-04-01T00:00:00Z", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert history.queries == [{"status": "succeeded", "kind": "run", "workspace": "harbour",
                                "created_after": "2026-02-01T00:00:00Z", "created_before": "2026-04-01T00:00:00Z",
                                "limit": "2"}]
    assert [j for j in JOB_IDS if j in result.output] == ["job-0", "job-1"]
    assert "2 of 5 jobs; next page: --cursor 2" in result.output


def test_a_cursor_starts_at_its_page_and_all_follows_every_page_after_it(history):
    result = invoke("--limit", "2", "--cursor", "2", "--all")
    assert result.exit_code == 0, result.output
    assert [q.get("cursor") for q in history.queries] == ["2", "4"]
    assert [j for j in JOB_IDS if j in result.output] == ["job-2", "job-3", "job-4"]
    assert "3 of 5 jobs" in result.output
    assert "next page" not in result.output


def test_a_refused_filter_is_named_in_one_line(history):
    result = CliRunner().invoke(app, ["jobs", "list", "--status", "done"])
    assert result.exit_code == 1
    assert "Request is not valid" in result.output
    assert "status: Input should be" in result.output
