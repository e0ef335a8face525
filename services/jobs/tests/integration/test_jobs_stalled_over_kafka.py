"""Over real Kafka and PostgreSQL, with a tiny stall time and two jobs service replicas: a job whose questions
service is not running ends failed as stalled in its answering stage, its work is asked to stop once, and a job
whose messages keep coming is left running."""

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tenderflow_common import failures
from tenderflow_common.contracts import ingest, jobs, workspace
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.settings import KafkaSettings, RedisSettings
from tenderflow_common.topics import JOBS_EVENTS
from tenderflow_common.unit_of_work import topic_of
from tenderflow_jobs import repository
from tenderflow_jobs.main import build_service
from tenderflow_jobs.settings import JobsSettings

pytestmark = pytest.mark.integration

STALL_SECONDS = 4


def indexed(job: str) -> list[Envelope]:
    """Ingested and indexed: the questions service would take it from here."""
    request = JobRequest()
    messages = [
        ingest.IngestPackage(package_key=f"k/{job}", filename=f"{job}.zip", size=1, sha256="0", request=request),
        ingest.PackageAccepted(package_id=job, files=[]),
        ingest.PackageIngested(package_id=job, request=request, documents=[], files=[]),
        workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id=job, backend="builtin",
                                   documents=1, chunks=3, request=request),
    ]
    return [Envelope.wrap(message, source="tests", tenant_id="t", job_id=job) for message in messages]


def extracted(job: str, number: int) -> Envelope:
    return Envelope.wrap(ingest.DocumentExtracted(package_id=job, document_id=f"{job}-{number}", file="a.pdf",
                                                  doc_type="pdf", pages=1, units=1, text_key="k"),
                         source="tests", tenant_id="t", job_id=job)


async def jobs_events(bootstrap: str, topic: str) -> list[Envelope]:
    """Everything on the jobs events topic so far."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        polled = await consumer.getmany(timeout_ms=3000)
        return [Envelope.model_validate_json(record.value) for records in polled.values() for record in records]
    finally:
        await consumer.stop()


async def test_a_job_nobody_works_on_ends_stalled_in_its_stage_and_a_moving_one_does_not(
        kafka_bootstrap_servers, fresh_database_url, topic_prefix):
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix)
    settings = JobsSettings(database_url=fresh_database_url, kafka=kafka, redis=RedisSettings(url=""),
                            stall_seconds=STALL_SECONDS, stall_sweep_seconds=0.2)
    replicas = [build_service(settings), build_service(settings)]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)

    async def send(envelope: Envelope) -> None:
        await producer.send_and_wait(topic_prefix + topic_of(envelope), envelope.to_bytes(),
                                     key=envelope.jobid.encode())

    await producer.start()
    try:
        for replica in replicas:
            await replica.start()
        for envelope in [*indexed("stuck"), *indexed("moving")]:
            await send(envelope)
        deadline, number = time.monotonic() + 90, 0
        while True:
            assert time.monotonic() < deadline, "the job nobody works on never ended"
            number += 1
            await send(extracted("moving", number))
            async with replicas[0].runtime.sessions() as session:
                found = await repository.get_many(session, ["stuck", "moving"])
            if "stuck" in found and found["stuck"].terminal:
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(3 * 0.2)
        async with replicas[0].runtime.sessions() as session:
            found = await repository.get_many(session, ["stuck", "moving"])
        events = await jobs_events(kafka_bootstrap_servers, topic_prefix + JOBS_EVENTS)
    finally:
        for replica in replicas:
            await replica.stop()
        await producer.stop()
    stuck, moving = found["stuck"], found["moving"]
    assert (stuck.status, stuck.stage, stuck.errors[-1]["code"]) == ("failed", "answering", failures.STALLED)
    assert stuck.errors[-1]["message"] == (
        f"The job made no progress for {STALL_SECONDS} seconds while answering and was stopped.")
    assert (moving.status, moving.stage, moving.errors) == ("running", "answering", [])
    assert moving.documents_extracted >= STALL_SECONDS, "the moving job kept getting messages past the stall time"
    stalls = [event for event in events if event.type == jobs.JobStalled.message_type]
    stops = [event for event in events if event.type == jobs.JobCancelRequested.message_type]
    assert [(event.jobid, event.data["stage"]) for event in stalls] == [("stuck", "answering")]
    assert [(event.jobid, event.data["reason"]) for event in stops] == [("stuck", "stalled")]
