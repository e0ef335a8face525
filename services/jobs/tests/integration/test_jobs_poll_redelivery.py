"""A crash after a poll's transaction commits and before its offsets do: Kafka hands the whole poll over again,
and the projection counts nothing twice and emits nothing twice."""

import asyncio
import time

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from tenderflow_common.broker import KafkaTransport
from tenderflow_common.contracts import ingest, jobs, questions
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.settings import KafkaSettings, RedisSettings
from tenderflow_common.transport import POLL_MAX_RECORDS
from tenderflow_common.unit_of_work import topic_of
from tenderflow_jobs.main import build_service
from tenderflow_jobs.models import jobs as jobs_table
from tenderflow_jobs.models import messaging
from tenderflow_jobs.settings import JobsSettings

pytestmark = pytest.mark.integration

DOCUMENTS, ANSWERS = 4, 3


class CrashAfterFirstCommit(KafkaTransport):
    """Lets the first poll with records commit its transaction, then fails before its offsets are committed."""

    def __init__(self, settings: KafkaSettings) -> None:
        super().__init__(KafkaTransport.from_settings(settings, client_id="crash-test").broker)
        self.delivered: list[str] = []
        self.crashed = False

    def subscribe(self, topics, group_id, handler, max_records=POLL_MAX_RECORDS) -> None:
        async def crash_once(records) -> None:
            await handler(records)
            self.delivered += [record.value.decode() for record in records]
            if records and not self.crashed:
                self.crashed = True
                raise RuntimeError("killed between the database commit and the offset commit")

        super().subscribe(topics, group_id, crash_once, max_records)


def job_messages(job: str) -> list:
    request = JobRequest()
    return [
        ingest.IngestPackage(package_key=f"k/{job}", filename=f"{job}.zip", size=1, sha256="0", request=request),
        ingest.PackageAccepted(package_id=job, files=[]),
        *(ingest.DocumentExtracted(package_id=job, document_id=f"{job}-{n}", file=f"{n}.pdf", doc_type="pdf",
                                   pages=2, units=1, text_key="k") for n in range(DOCUMENTS)),
        questions.RunStarted(run_id=job, workspace_id="w", model="extractive:default", questions=ANSWERS),
        *(questions.AnswerRecorded(run_id=job, question_id=f"q{n}", answered=True, confidence=0.9)
          for n in range(ANSWERS)),
    ]


async def test_a_poll_redelivered_after_its_commit_counts_nothing_twice(
        kafka_bootstrap_servers, fresh_database_url, topic_prefix):
    kafka = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix,
                          retry_backoff_seconds=0.05)
    transport = CrashAfterFirstCommit(kafka)
    settings = JobsSettings(database_url=fresh_database_url, kafka=kafka, redis=RedisSettings(url=""))
    runtime = build_service(settings, transport=transport).runtime
    envelopes = [Envelope.wrap(message, source="tests", tenant_id="t", job_id=job)
                 for job in ("job-a", "job-b") for message in job_messages(job)]
    envelopes.append(Envelope.wrap(jobs.CancelJob(reason="not needed"), source="tests", tenant_id="t",
                                   job_id="job-b"))
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(topic_prefix + topic_of(envelope), envelope.to_bytes(),
                                         key=envelope.jobid.encode())
        await runtime.start()
        deadline = time.monotonic() + 60
        while len(set(transport.delivered)) < len(envelopes) or not transport.crashed:
            assert time.monotonic() < deadline, "the records were not all delivered"
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        async with runtime.sessions() as session:
            states = {row.job_id: row for row in (await session.execute(select(jobs_table))).all()}
            marked = await session.scalar(select(func.count()).select_from(messaging.processed))
            emitted = await session.scalar(select(func.count()).select_from(messaging.outbox))
    finally:
        await producer.stop()
        await runtime.stop()
    assert len(transport.delivered) > len(envelopes), "the first poll was delivered again"
    assert sum(len(state.seen) for state in states.values()) == len(envelopes), "each id kept once, on its job"
    assert marked == 0, "the projection's consumer writes no processed marks of its own"
    for job in ("job-a", "job-b"):
        assert (states[job].documents_extracted, states[job].pages) == (DOCUMENTS, 2 * DOCUMENTS)
        assert states[job].questions_answered == ANSWERS
    assert (states["job-a"].status, states["job-b"].status) == ("running", "cancelled")
    assert emitted == 1, "the cancel request is emitted once"

