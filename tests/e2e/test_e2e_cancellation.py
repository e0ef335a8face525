"""Cancelling a job stops ingest within seconds, in the middle of a long PDF, and nothing goes downstream."""

import asyncio
import json
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import text

from tenderflow_common.contracts.ingest import PackageFailed, PackageIngested
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.topics import INGEST_EVENTS
from tenderflow_ingest.testing.documents import tender_pdf

from .support import api_key_for

pytestmark = pytest.mark.e2e

PAGES_PER_PDF = 800
STATUS_OF_JOB = text("SELECT status FROM packages WHERE job_id = :job")
STOP_BOUND_SECONDS = 5.0


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(50 * 1024 * 1024)}




def slow_package(folder: Path) -> Path:
    """Three long PDFs: a minute or more of text extraction, so a cancel always lands inside a document."""
    document = tender_pdf(pages=PAGES_PER_PDF, seed=5, lines=40)
    path = folder / "long-tender.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for volume in range(1, 4):
            archive.writestr(f"volume-{volume}.pdf", document)
    return path


async def wait_until(check, timeout_seconds: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout_seconds} s")


async def ingest_events_of(bootstrap_servers: str, topic: str, job_id: str,
                           quiet_seconds: float = 3.0) -> list[dict]:
    """Every ingest event of the job on the topic, read from the start until it stays quiet."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap_servers, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        found = []
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < quiet_seconds:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                quiet_since = time.monotonic()
                envelopes = (json.loads(record.value) for record in records)
                found += [envelope for envelope in envelopes if envelope.get("jobid") == job_id]
        return found
    finally:
        await consumer.stop()


async def test_a_cancelled_job_stops_extracting_within_seconds(stack, tmp_path_factory):
    package = slow_package(tmp_path_factory.mktemp("slow-package"))
    key = await api_key_for(stack.databases["gateway"], "acme")
    engine = create_engine(stack.databases["ingest"], pool_size=1)
    sessions = session_factory(engine)

    async def ingest_status() -> str | None:
        async with sessions() as session:
            return await session.scalar(STATUS_OF_JOB, {"job": job_id})

    try:
        headers = {"X-API-Key": key}
        async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=30) as client:
            with package.open("rb") as file:
                response = await client.post("/v1/documents", files={"file": (package.name, file)})
            assert response.status_code == 202, response.text
            job_id, job_url = response.json()["job_id"], response.headers["location"]

            async def extracting() -> bool:
                job = (await client.get(job_url)).json()
                return job["stage"] == "ingesting" and job["status"] == "running"

            await wait_until(extracting, 60)
            await asyncio.sleep(2.0)  # well inside the first PDF
            assert await ingest_status() == "processing"

            cancel_sent = time.monotonic()
            cancel = await client.post(f"{job_url}/cancel")
            assert cancel.status_code == 202, cancel.text
            status = await wait_until(lambda: _terminal(ingest_status), 30, interval=0.05)
            stopped_after = time.monotonic() - cancel_sent
            print(f"\ningest stopped {stopped_after:.2f} s after the cancel request (package {status})")
            assert status == "cancelled"
            assert stopped_after < STOP_BOUND_SECONDS

            await asyncio.sleep(2.0)
            job = (await client.get(job_url)).json()
            assert job["status"] == "cancelled", job
            results = await client.get(f"{job_url}/results")
            assert results.status_code in (404, 409), results.text
    finally:
        await engine.dispose()

    events = await ingest_events_of(stack.infra.kafka_bootstrap_servers, stack.topic_prefix + INGEST_EVENTS,
                                    job_id)
    types = [envelope["type"] for envelope in events]
    print(f"ingest events of the job: {types}")
    assert PackageIngested.message_type not in types
    failed = [e["data"] for e in events if e["type"] == PackageFailed.message_type]
    assert failed and failed[0]["cancelled"] is True
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}) as client:
        assert (await client.get(job_url)).json()["status"] == "cancelled"


async def _terminal(status_of) -> str | None:
    status = await status_of()
    return status if status not in (None, "pending", "processing") else None
