"""Job history through the internal API: every filter keeps only its jobs, pages follow each other with no job
twice and none left out, and a filter value the API does not know is refused with a 422 problem."""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import PlatformSettings
from tenderflow_jobs import repository
from tenderflow_jobs.main import MIGRATIONS, build_service
from tenderflow_jobs.projection import JobState
from tenderflow_jobs.settings import JobsSettings

PLATFORM = PlatformSettings()
GATEWAY = InternalTokenSigner(PLATFORM.signing_key, "gateway")
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def job(number: int, *, tenant: str = "acme", minutes: int | None = None, **values) -> JobState:
    at = T0 + timedelta(minutes=number if minutes is None else minutes)
    return replace(JobState(job_id=f"job-{number:02d}", tenant_id=tenant, created_at=at, updated_at=at), **values)


JOBS = [
    job(1, status="succeeded", workspace="harbour", workspace_id="w-harbour"),
    job(2, status="failed", workspace="harbour", workspace_id="w-harbour"),
    job(3, kind="run", status="succeeded", workspace="harbour", workspace_id="w-harbour"),
    job(4, kind="run", status="running", workspace="bridges", workspace_id="w-bridges"),
    job(5, status="cancelled", workspace="bridges", workspace_id="w-bridges"),
    # Three jobs created in the same instant: the pages must still give each exactly once.
    job(6, minutes=10, status="queued", workspace="default"),
    job(7, minutes=10, status="running", workspace="default", workspace_id="w-default"),
    job(8, minutes=10, kind="run", status="queued", workspace="default", workspace_id="w-default"),
    job(9, tenant="globex", status="succeeded", workspace="harbour", workspace_id="w-other"),
]


@pytest.fixture
async def jobs_api(tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    settings = JobsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}", platform=PLATFORM)
    service = build_service(settings, InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, service.runtime.database_url)
    async with service.runtime.sessions() as session, session.begin():
        for state in JOBS:
            await repository.save(session, state, new=True)
    headers = {"Authorization": f"Bearer {GATEWAY.sign('jobs', {'read'}, 'acme')}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://jobs",
                                 headers=headers) as client:
        yield client
    await service.runtime.engine.dispose()


async def listed(client: httpx.AsyncClient, **params) -> tuple[list[str], int]:
    response = await client.get("/internal/jobs", params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    return [j["job_id"] for j in page["jobs"]], page["total"]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["job-06", "job-07", "job-08", "job-05", "job-04", "job-03", "job-02", "job-01"]),
    ({"status": "succeeded"}, ["job-03", "job-01"]),
    ({"status": "queued"}, ["job-06", "job-08"]),
    ({"kind": "run"}, ["job-08", "job-04", "job-03"]),
    ({"kind": "upload"}, ["job-06", "job-07", "job-05", "job-02", "job-01"]),
    ({"workspace": "w-harbour"}, ["job-03", "job-02", "job-01"]),
    ({"workspace": "bridges"}, ["job-05", "job-04"]),
    ({"workspace": "default"}, ["job-06", "job-07", "job-08"]),
    ({"created_after": (T0 + timedelta(minutes=4)).isoformat()}, ["job-06", "job-07", "job-08", "job-05"]),
    ({"created_before": (T0 + timedelta(minutes=3)).isoformat()}, ["job-02", "job-01"]),
    ({"kind": "run", "status": "succeeded", "workspace": "harbour"}, ["job-03"]),
])
async def test_each_filter_keeps_only_its_jobs_and_counts_them(jobs_api, params, expected):
    ids, total = await listed(jobs_api, **params)
    assert ids == expected
    assert total == len(expected)


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
async def test_pages_cover_every_job_once_in_order(jobs_api, limit):
    everything, total = await listed(jobs_api, limit=200)
    seen, cursor, pages = [], None, 0
    while True:
        response = await jobs_api.get("/internal/jobs", params={"limit": limit} | ({"cursor": cursor} if cursor
                                                                                    else {}))
        page = response.json()
        assert page["total"] == total == 8
        assert len(page["jobs"]) <= limit
        seen += [j["job_id"] for j in page["jobs"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert pages == -(-total // limit)


async def test_a_cursor_keeps_the_filters_it_is_used_with(jobs_api):
    first = (await jobs_api.get("/internal/jobs", params={"kind": "upload", "limit": 2})).json()
    rest = (await jobs_api.get("/internal/jobs", params={"kind": "upload", "limit": 10,
                                                         "cursor": first["next_cursor"]})).json()
    assert [j["job_id"] for j in first["jobs"] + rest["jobs"]] == ["job-06", "job-07", "job-05", "job-02", "job-01"]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize("params", [{"status": "purged"}, {"kind": "rerun"}, {"created_after": "yesterday"},
                                    {"created_before": "2026-03-01T00:00:00"}, {"cursor": "not-a-cursor"},
                                    {"cursor": "WyJ4Il0"}, {"limit": 0}])
async def test_an_unknown_filter_value_is_a_422_problem(jobs_api, params):
    response = await jobs_api.get("/internal/jobs", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_another_tenants_jobs_are_neither_listed_nor_counted(jobs_api):
    ids, total = await listed(jobs_api, workspace="harbour")
    assert "job-09" not in ids
    assert total == 3
