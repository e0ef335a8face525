"""DELETE /v1/jobs/{id}: a finished job is purged, a running one only when forced (cancelled first), another
tenant's job is a 404, and a purged job's results are a 404."""

import httpx
import pytest
from sqlalchemy import select

from tenderflow_common.contracts.jobs import CancelJob, PurgeJob
from tenderflow_common.envelope import Envelope
from tenderflow_gateway.models import submissions

JOBS = {"finished": "succeeded", "running": "running", "purged": "purged"}


def jobs_service(request: httpx.Request) -> httpx.Response:
    """The jobs service knows three jobs of the caller's tenant, whatever tenant asks (the gateway names it)."""
    job_id = request.url.path.rsplit("/", 1)[-1]
    if job_id not in JOBS:
        return httpx.Response(404, json={"title": "Job not found"})
    return httpx.Response(200, json={
        "job_id": job_id, "tenant_id": "t", "status": JOBS[job_id], "stage": "done",
        "progress": {"percent": 100}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})


@pytest.fixture
async def gateway(make_gateway):
    return await make_gateway(jobs=jobs_service)


async def commands(gateway) -> list[tuple[str, str]]:
    """(message type, job id) of every command the gateway published, in order."""
    outbox = gateway.service.runtime.tables.outbox
    async with gateway.service.runtime.sessions() as session:
        payloads = await session.scalars(select(outbox.c.payload).order_by(outbox.c.id))
        return [(envelope.type, envelope.jobid) for envelope in map(Envelope.model_validate_json, payloads)]


async def test_a_finished_job_is_purged_and_its_submission_forgotten(gateway):
    headers = {"X-API-Key": await gateway.key()}
    tenant_id = await gateway.tenant_id()
    async with gateway.service.runtime.sessions() as session, session.begin():
        await session.execute(submissions.insert().values(job_id="finished", tenant_id=tenant_id, filename="p.zip"))
    response = await gateway.client.delete("/v1/jobs/finished", headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "purging"
    assert await commands(gateway) == [(PurgeJob.message_type, "finished")]
    async with gateway.service.runtime.sessions() as session:
        assert (await session.execute(select(submissions))).all() == []


async def test_a_running_job_is_refused_unless_forced_which_cancels_it_first(gateway):
    headers = {"X-API-Key": await gateway.key()}
    refused = await gateway.client.delete("/v1/jobs/running", headers=headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["job_status"] == "running"
    assert await commands(gateway) == []
    forced = await gateway.client.delete("/v1/jobs/running", params={"force": "true"}, headers=headers)
    assert forced.status_code == 202
    assert await commands(gateway) == [(CancelJob.message_type, "running"), (PurgeJob.message_type, "running")]


async def test_an_unknown_job_is_a_404_and_a_purged_jobs_results_are_gone(gateway):
    headers = {"X-API-Key": await gateway.key()}
    missing = await gateway.client.delete("/v1/jobs/someone-elses", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert (await gateway.client.get("/v1/jobs/purged/results", headers=headers)).status_code == 404
    assert await commands(gateway) == []
