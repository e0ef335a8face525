"""Every HTTP request is observed in tenderflow_http_request_seconds, labelled by route template, not raw path."""

import httpx

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_jobs.main import build_service
from tenderflow_jobs.settings import JobsSettings


def _count(exposition: str, labels: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(f"tenderflow_http_request_seconds_count{{{labels}}}"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_requests_are_observed_by_route_template_and_status(tmp_path):
    service = build_service(JobsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}"),
                            InMemoryTransport())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://jobs") as client:
        before = (await client.get("/metrics")).text
        assert (await client.get("/health/live")).status_code == 200
        assert (await client.get("/internal/jobs/some-job-id")).status_code == 401
        assert (await client.get("/no/such/path")).status_code == 404
        after = (await client.get("/metrics")).text
    for labels in ('method="GET",route="/health/live",service="jobs",status="200"',
                   'method="GET",route="/internal/jobs/{job_id}",service="jobs",status="401"',
                   'method="GET",route="unmatched",service="jobs",status="404"'):
        assert _count(after, labels) == _count(before, labels) + 1, labels
    assert "some-job-id" not in after
