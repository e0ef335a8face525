"""A message a service has to dead-letter ends its job as failed with a reason; the job never waits for ever."""

import asyncio
import time
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.topics import INGEST_EVENTS

from .support import tenant_with_key

pytestmark = pytest.mark.e2e


async def test_a_package_the_workspace_dead_letters_fails_its_job(stack):
    tenant_id, key = await tenant_with_key(stack.databases["gateway"], "acme")
    job_id = str(uuid.uuid4())
    # Its text lies under another tenant's prefix: the workspace must refuse it, and never retry it.
    event = PackageIngested(package_id=f"package-{job_id}", request=JobRequest(), files=[], documents=[
        IngestedDocument(document_id="doc-1", file="notice.xml", doc_type="xml", pages=1,
                         text_key="tenants/someone-else/packages/p/documents/doc-1.json")])
    envelope = Envelope.wrap(event, source="tests", tenant_id=tenant_id, job_id=job_id)
    producer = AIOKafkaProducer(bootstrap_servers=stack.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(stack.topic_prefix + INGEST_EVENTS, envelope.to_bytes(), key=job_id.encode())
    finally:
        await producer.stop()

    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}) as client:
        deadline = time.monotonic() + 60
        job: dict = {}
        while time.monotonic() < deadline:
            response = await client.get(f"/v1/jobs/{job_id}")
            if response.status_code == 200 and (job := response.json())["status"] in ("failed", "succeeded"):
                break
            await asyncio.sleep(0.3)
    assert job.get("status") == "failed", job
    assert any("could not be indexed" in error and "outside the tenant's storage" in error
               for error in job["errors"]), job["errors"]
