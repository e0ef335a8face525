"""On the real stack (five processes, real Kafka and PostgreSQL), each service's own /metrics holds samples of what
it did for one job: requests, messages, its consumer group's lag per partition, its outbox, and its stage's work."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tenderflow_common import topics

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e


def value(exposition: str, name: str, **labels: str) -> float | None:
    """The sum of `name`'s samples that carry these labels; None when there is no such sample at all."""
    found = [sample.value for family in text_string_to_metric_families(exposition) for sample in family.samples
             if sample.name == name and all(sample.labels.get(key) == wanted for key, wanted in labels.items())]
    return sum(found) if found else None


def has(exposition: str, name: str, **labels: str) -> bool:
    """A sample with these labels exists and has counted something."""
    return (value(exposition, name, **labels) or 0) > 0


async def test_each_service_exposes_samples_of_its_metrics_after_a_job(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            upload = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")})
        assert upload.status_code == 202, upload.text
        job = await wait_for_end(client, upload.headers["location"])
        # A job's own view comes from the read model; the history is always asked of the jobs service.
        history = await client.get("/v1/jobs")
        assert history.status_code == 200, history.text
    assert job["status"] == "succeeded", job
    scraped = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for service, port in stack.ports.items():
            response = await client.get(f"http://127.0.0.1:{port}/metrics")
            assert response.status_code == 200, service
            scraped[service] = response.text
    prefix = stack.topic_prefix

    assert has(scraped["gateway"], "tenderflow_http_request_seconds_count", service="gateway", method="POST",
               route="/v1/documents", status="202")
    assert has(scraped["jobs"], "tenderflow_http_request_seconds_count", service="jobs",
               route="/internal/jobs", status="200")
    for service in ("ingest", "workspace", "questions", "jobs"):
        assert has(scraped[service], "tenderflow_messages_consumed_total", consumer=f"tenderflow-{service}",
                   outcome="handled"), service
        lag = value(scraped[service], "tenderflow_consumer_lag_messages", group=f"{prefix}tenderflow-{service}")
        assert lag is not None, service
    for service in stack.ports:
        assert value(scraped[service], "tenderflow_outbox_backlog_messages", service=service) is not None, service
        assert value(scraped[service], "tenderflow_outbox_oldest_age_seconds", service=service) is not None, service
    assert has(scraped["ingest"], "tenderflow_messages_published_total", topic=topics.INGEST_EVENTS,
               outcome="published")
    assert has(scraped["ingest"], "tenderflow_documents_extracted_total", doc_type="xml", outcome="extracted")
    assert value(scraped["ingest"], "tenderflow_pages_extracted_total", doc_type="xml") is not None
    assert has(scraped["jobs"], "tenderflow_jobs_finished_total", status="succeeded")
    assert has(scraped["jobs"], "tenderflow_job_stage_seconds_count", stage="answering")
    assert value(scraped["jobs"], "tenderflow_jobs_open") is not None
    assert all(job["job_id"] not in text for text in scraped.values())
