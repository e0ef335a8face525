"""Another system drops a package in storage and publishes an upload event; the job runs as if uploaded."""

import asyncio
import json
import time
import uuid
import zipfile

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tenderflow_common.envelope import stable_id
from tenderflow_common.topics import UPLOADS, dead_letters

from .support import TED_NOTICE, tenant_with_key

pytestmark = pytest.mark.e2e





def upload_event(tenant_id: str, reference: str, idempotency_key: str) -> bytes:
    """The event as another system writes it by hand (the README's example)."""
    message_id = str(uuid.uuid4())
    return json.dumps({
        "specversion": "1.0", "id": message_id, "source": "erp.example",
        "type": "tenderflow.upload.received.v1",
        "tenantid": tenant_id, "jobid": idempotency_key, "correlationid": message_id,
        "data": {"object": reference, "idempotency_key": idempotency_key, "filename": "tender.zip",
                 "request": {"workspace": "inbox"}},
    }).encode()


async def jobs_of(client: httpx.AsyncClient) -> list[dict]:
    response = await client.get("/v1/jobs")
    assert response.status_code == 200, response.text
    return response.json()["jobs"]


async def wait_for_succeeded(client: httpx.AsyncClient, timeout_seconds: float = 120) -> dict:
    deadline = time.monotonic() + timeout_seconds
    jobs: list[dict] = []
    while time.monotonic() < deadline:
        jobs = await jobs_of(client)
        if jobs and jobs[0]["status"] in ("succeeded", "failed", "cancelled"):
            return jobs[0]
        await asyncio.sleep(0.5)
    raise AssertionError(f"no finished job: {jobs}")


async def dead_letters_of(bootstrap: str, topic: str, expected: int, timeout_seconds: float = 30) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    records = []
    try:
        deadline = time.monotonic() + timeout_seconds
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            records += [record for part in batch.values() for record in part]
    finally:
        await consumer.stop()
    return records


async def test_upload_event_runs_the_pipeline_once_and_bad_events_are_dead_lettered(stack):
    tenant_id, key = await tenant_with_key(stack.databases["gateway"], "acme")
    reference = f"tenants/{tenant_id}/inbox/pkg.zip"
    package = stack.work_dir / "storage" / reference
    package.parent.mkdir(parents=True)
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(TED_NOTICE, "notice/20-155018-001-EXP.xml")
    topic = stack.topic_prefix + UPLOADS
    bootstrap = stack.infra.kafka_bootstrap_servers
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    client = httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30)
    try:
        async with client:
            first = upload_event(tenant_id, reference, "erp-order-42")
            await producer.send_and_wait(topic, first, key=b"erp")
            job = await wait_for_succeeded(client)
            assert job["status"] == "succeeded", job
            assert job["job_id"] == stable_id(tenant_id, "upload", "erp-order-42")
            assert (job["filename"], job["workspace"]) == ("tender.zip", "inbox")
            assert job["files"][0]["name"] == "notice/20-155018-001-EXP.xml"
            results = (await client.get(f"/v1/jobs/{job['job_id']}/results")).json()
            answers = {row["question_id"]: row for row in results["answers"]}
            assert "Veitsh" in (answers["buyer"]["answer"] or "")

            malformed = json.loads(upload_event(tenant_id, reference, "erp-order-43"))
            del malformed["data"]["idempotency_key"]
            elsewhere = upload_event(tenant_id, "tenants/someone-else/inbox/pkg.zip", "erp-order-44")
            for value in (upload_event(tenant_id, reference, "erp-order-42"), json.dumps(malformed).encode(),
                          elsewhere):
                await producer.send_and_wait(topic, value, key=b"erp")

            dead = await dead_letters_of(bootstrap, dead_letters(topic), expected=2)
            reasons = sorted(dict(record.headers)["x-dead-letter-reason"].decode() for record in dead)
            assert len(reasons) == 2, reasons
            assert reasons[0].startswith("invalid tenderflow.upload.received.v1 payload: idempotency_key")
            assert reasons[1].startswith("unprocessable tenderflow.upload.received.v1")
            assert f"tenants/{tenant_id}/" in reasons[1]
            assert [j["job_id"] for j in await jobs_of(client)] == [job["job_id"]]
            async with httpx.AsyncClient(timeout=5) as probe:
                ready = await probe.get(f"http://127.0.0.1:{stack.ports['ingest']}/health/ready")
            assert ready.status_code == 200
    finally:
        await producer.stop()
