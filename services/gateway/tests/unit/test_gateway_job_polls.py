"""GET /v1/jobs/{id}, answered by one plain function rather than the route's dependencies, still authenticates,
checks the scope, spends the tenant's budget, keeps tenants apart, answers problems, and passes every middleware."""

from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client import REGISTRY

from tenderflow_common.contracts.jobs import JobProgress, JobView
from tenderflow_common.problems import PROBLEM_JSON

CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def jobs_service(request: httpx.Request) -> httpx.Response:
    """The jobs service knowing one finished job, `job-1`, of whichever tenant asks (the gateway names it)."""
    job_id = request.url.path.rsplit("/", 1)[-1]
    if job_id != "job-1":
        return httpx.Response(404, json={"title": "Job not found"})
    view = JobView(job_id=job_id, tenant_id="t", status="succeeded", stage="done",
                   progress=JobProgress(percent=100), filename="tender.zip", created_at=CREATED, updated_at=CREATED)
    return httpx.Response(200, content=view.model_dump_json(), headers={"Content-Type": "application/json"})


@pytest.fixture
async def gateway(make_gateway):
    return await make_gateway(jobs=jobs_service, rate_limit_per_minute=3)


def poll_count(status: str) -> float:
    return REGISTRY.get_sample_value("tenderflow_http_request_seconds_count", {
        "service": "gateway", "method": "GET", "route": "/v1/jobs/{job_id}", "status": status}) or 0.0


async def test_a_poll_answers_the_jobs_view_through_every_middleware(gateway):
    before = poll_count("200")
    response = await gateway.client.get("/v1/jobs/job-1", headers={"X-API-Key": await gateway.key()})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    view = JobView.model_validate_json(response.content)
    assert (view.job_id, view.status, view.filename) == ("job-1", "succeeded", "tender.zip")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert len(response.headers["X-Correlation-ID"]) >= 8
    assert poll_count("200") == before + 1


async def test_a_poll_spends_the_tenants_budget(gateway):
    headers = {"X-API-Key": await gateway.key()}
    statuses = [(await gateway.client.get("/v1/jobs/job-1", headers=headers)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = await gateway.client.get("/v1/jobs/job-1", headers=headers)
    assert refused.headers["content-type"] == PROBLEM_JSON
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["type"] == "urn:tenderflow:problem:rate-limited"


async def test_a_poll_without_credentials_or_with_both_is_401(gateway):
    key = await gateway.key()
    missing = await gateway.client.get("/v1/jobs/job-1")
    both = await gateway.client.get("/v1/jobs/job-1", headers={"X-API-Key": key, "Authorization": "Bearer x.y.z"})
    unknown = await gateway.client.get("/v1/jobs/job-1", headers={"X-API-Key": "tf_unknown_key"})
    for refused in (missing, both, unknown):
        assert refused.status_code == 401
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert "ApiKey" in refused.headers["WWW-Authenticate"]
    # The audit trail lists the newest first.
    assert [event["reason"] for event in await gateway.audit()][:3] == [
        "unknown, revoked or expired key", "both credentials", "missing"]


async def test_a_poll_needs_the_read_scope(gateway):
    key = await gateway.key(scopes=frozenset({"write"}))
    refused = await gateway.client.get("/v1/jobs/job-1", headers={"X-API-Key": key})
    assert refused.status_code == 403
    assert refused.json()["required_scope"] == "read"


async def test_a_poll_of_an_unknown_job_is_a_404_problem(gateway):
    response = await gateway.client.get("/v1/jobs/job-2", headers={"X-API-Key": await gateway.key()})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "urn:tenderflow:problem:job-not-found"


async def test_the_poll_is_documented_from_its_declared_endpoint(gateway):
    operation = (await gateway.client.get("/openapi.json")).json()["paths"]["/v1/jobs/{job_id}"]["get"]
    assert operation["operationId"] == "get_job_v1_jobs__job_id__get"
    assert operation["security"] == [{"ApiKey": []}, {"Bearer": []}]
    assert [parameter["name"] for parameter in operation["parameters"]] == ["job_id"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JobView"}


async def test_another_method_on_the_polled_path_is_a_405_naming_the_allowed_ones(gateway):
    response = await gateway.client.put("/v1/jobs/job-1", headers={"X-API-Key": await gateway.key()})
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["Allow"] == "DELETE, GET"
