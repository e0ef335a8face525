"""The jobs projection against a raw aiokafka consumer draining the same recorded topics, in the same run.

    make bench-projection     # starts Kafka, PostgreSQL and Redis (make infra-up) if they are not running

`BENCH_PROJECTION_JOBS` (500) jobs of `BENCH_PROJECTION_MESSAGES_PER_JOB` (40) messages each, the messages of a real
upload (its command, the package's verdicts, one event per extracted document, the index counts, the run and an
event per answer), are recorded with their jobs interleaved on fresh topics. A raw aiokafka consumer then drains them,
parsing each envelope, and the real jobs service (its consumer, its routes and a fresh PostgreSQL database) folds
them. Each rate counts from the first poll that returned records to the last record handled, so joining the consumer
group is left out of both; the ratio projection / raw is printed. The goal is at least 0.5. A second raw consumer
decodes each record into the projection's own message types instead (envelope and payload, as the projection's
consumer does), and the projection's ratio to it is printed beside: what folding and persisting cost on top of
validating. On a shared machine the CPU seconds this process spent in each (PostgreSQL's and Kafka's own are not in
them) are printed beside the wall clock, since they vary less. All sides run with the garbage-collector settings of
a started service.

Between them, the service's own consumer takes the same records through its transport, decoding and transaction with
a fold that only decodes each record: the most any fold and persistence could leave the projection. Last, the same
records' values are decoded into the projection's messages and folded into their jobs in memory, with no Kafka and no
database: the floor of any projection that validates what it folds, printed as a ratio to raw too. And the same
topics are replayed by `tenderflow jobs rebuild` into another fresh database, timed whole (its migrations, its
consumer's start and the job views it drops included), as an operator waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from tenderflow_common import heap
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.consumer import Route, subscribed_topics
from tenderflow_common.contracts import ingest, questions, workspace
from tenderflow_common.contracts.shared import FileVerdict, JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope, one_pass_decoder
from tenderflow_common.messages import Message
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_common.testing.infra import from_environment
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics
from tenderflow_common.transport import PollHandler, partition_fetch_bytes
from tenderflow_jobs import consumers, projection
from tenderflow_jobs.consumers import POLL_MAX_RECORDS
from tenderflow_jobs.main import MIGRATIONS, build_service
from tenderflow_jobs.models import jobs, messaging
from tenderflow_jobs.rebuild import rebuild_projection
from tenderflow_jobs.settings import JobsSettings

GOAL = 0.5
T0 = datetime(2026, 1, 1, tzinfo=UTC)
REQUEST = JobRequest()


def main() -> None:
    infra = from_environment()
    if infra is None:
        sys.exit("No Kafka/PostgreSQL/Redis found: run `make infra-up` first.")
    job_count = int(os.environ.get("BENCH_PROJECTION_JOBS", "500"))
    per_job = int(os.environ.get("BENCH_PROJECTION_MESSAGES_PER_JOB", "40"))
    logging.basicConfig(level=logging.WARNING)
    heap.settle()  # the collector settings a started service runs with, for both sides alike
    asyncio.run(_compare(infra.kafka_bootstrap_servers, infra.postgres_url, job_count, per_job))


async def _compare(bootstrap: str, postgres_url: str, job_count: int, per_job: int) -> None:
    prefix = f"bench-{uuid.uuid4().hex[:10]}."
    names = await create_prefixed_topics(bootstrap, prefix)
    database_url = await create_database(postgres_url, "bench_projection")
    try:
        envelopes = _interleaved(job_count, per_job)
        recorded = await _record(bootstrap, prefix, envelopes)
        raw = await _drain_raw(bootstrap, prefix, recorded, Envelope.model_validate_json)
        typed = await _drain_raw(bootstrap, prefix, recorded,
                                 one_pass_decoder(route.message for route in consumers.routes()), "-typed")
        pipeline = await _pass_through(bootstrap, prefix, database_url, recorded)
        projection = await _fold(bootstrap, prefix, database_url, recorded, job_count)
        in_memory = _fold_in_memory([envelope.to_bytes() for envelope in envelopes])
        rebuilt = await _rebuild(bootstrap, prefix, postgres_url, recorded, job_count)
        # Printed before the clean-up, so a clean-up that fails cannot lose a run's numbers.
        _report(recorded, job_count, raw, typed, pipeline, projection, in_memory, rebuilt)
    finally:
        await drop_database(postgres_url, database_url)
        await delete_topics(bootstrap, names)


class Drained(NamedTuple):
    """How long one side took from its first records to its last, and in how many polls they came."""

    seconds: float
    cpu_seconds: float
    polls: int


def _report(recorded: int, job_count: int, raw: Drained, typed: Drained, pipeline: Drained, projection: Drained,
            in_memory: Drained, rebuilt: Drained) -> None:
    print(f"\n{recorded} messages of {job_count} jobs, polls of at most {POLL_MAX_RECORDS} records")
    for name, side in (("raw aiokafka consumer", raw), ("raw, into typed messages", typed),
                       ("consumer, empty fold", pipeline), ("jobs projection", projection),
                       ("decode and fold only", in_memory), ("jobs rebuild, whole", rebuilt)):
        polls = f", {side.polls} polls" if side.polls else ""  # the rebuild's are its own
        print(f"  {name:22s} {recorded / side.seconds:9.0f} messages/s  ({side.seconds:.2f} s, "
              f"{side.cpu_seconds:.2f} CPU s{polls})")
    print(f"  consumer with an empty fold / raw = {raw.seconds / pipeline.seconds:.2f}")
    print(f"  decode and fold in memory / raw = {raw.seconds / in_memory.seconds:.2f}   (no Kafka, no database)")
    ratio = raw.seconds / projection.seconds
    print(f"  projection / raw = {ratio:.2f}   goal >= {GOAL}: {'met' if ratio >= GOAL else 'NOT met'}"
          f"   (by CPU seconds {raw.cpu_seconds / projection.cpu_seconds:.2f})")
    print(f"  projection / raw into typed messages = {typed.seconds / projection.seconds:.2f}"
          f"   (by CPU seconds {typed.cpu_seconds / projection.cpu_seconds:.2f})")


def _upload(job: int, per_job: int) -> list[Message]:
    """One job's messages in the order its services send them: documents and answers fill what is left."""
    documents = max(1, (per_job - 6) // 3)
    answers = max(1, per_job - 6 - documents)
    verdicts = [FileVerdict(name=f"doc-{n}.pdf", accepted=True, doc_type="pdf") for n in range(documents)]
    package = f"package-{job}"
    return [
        ingest.IngestPackage(package_key=f"tenants/t/uploads/{job}.zip", filename=f"tender-{job}.zip", size=1,
                             sha256="0" * 64, request=REQUEST),
        ingest.PackageAccepted(package_id=package, files=verdicts),
        *(ingest.DocumentExtracted(package_id=package, document_id=f"{job}-{n}", file=f"doc-{n}.pdf",
                                   doc_type="pdf", pages=12, units=40, text_key=f"tenants/t/{job}/{n}.json")
          for n in range(documents)),
        ingest.PackageIngested(package_id=package, request=REQUEST, documents=[], files=verdicts),
        workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id=package, backend="builtin",
                                   documents=documents, chunks=documents * 30, request=REQUEST),
        questions.RunStarted(run_id=f"run-{job}", workspace_id="w", model="extractive:default", questions=answers),
        *(questions.AnswerRecorded(run_id=f"run-{job}", question_id=f"q{n}", answered=n % 4 != 0,
                                   confidence=0.7) for n in range(answers)),
        questions.RunCompleted(run_id=f"run-{job}", questions=answers, answered=answers - answers // 4),
    ]


def _interleaved(job_count: int, per_job: int) -> list[Envelope]:
    """Every job's messages, a job starting every 100 ms and taking a step every 2 s, merged in time order and
    wrapped in that order, so their ids are as time-ordered as those the services give messages they emit."""
    timed = sorted(((T0 + timedelta(seconds=job * 0.1 + step * 2), job, message)
                    for job in range(job_count) for step, message in enumerate(_upload(job, per_job))),
                   key=lambda item: item[0])
    return [Envelope.wrap(message, source="bench", tenant_id="t", job_id=f"job-{job}").model_copy(update={"time": at})
            for at, job, message in timed]


async def _record(bootstrap: str, prefix: str, envelopes: list[Envelope]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=20)
    await producer.start()
    try:
        sent = [await producer.send(prefix + _topic(envelope), envelope.to_bytes(), key=envelope.jobid.encode())
                for envelope in envelopes]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return len(envelopes)


def _topic(envelope: Envelope) -> str:
    for route in consumers.routes():
        if route.message.message_type == envelope.type:
            return route.message.topic
    raise ValueError(envelope.type)


def _subscribed(prefix: str) -> list[str]:
    return [prefix + topic for topic in subscribed_topics(consumers.routes())]


async def _drain_raw(bootstrap: str, prefix: str, expected: int, parse: Callable[[bytes], Envelope],
                     group_suffix: str = "") -> Drained:
    """How long a bare consumer takes to read and `parse` every record, from its first records on."""
    reader = AIOKafkaConsumer(*_subscribed(prefix), bootstrap_servers=bootstrap, group_id=f"{prefix}raw{group_suffix}",
                              auto_offset_reset="earliest", enable_auto_commit=False,
                              max_partition_fetch_bytes=partition_fetch_bytes(POLL_MAX_RECORDS))
    await reader.start()
    read, polls, started = 0, 0, None
    try:
        while read < expected:
            polled = await reader.getmany(timeout_ms=500, max_records=POLL_MAX_RECORDS)
            if polled and started is None:
                started, started_cpu = time.perf_counter(), time.process_time()
            polls += bool(polled)
            for records in polled.values():
                for record in records:
                    parse(record.value)
                    read += 1
        return Drained(time.perf_counter() - started, time.process_time() - started_cpu, polls)
    finally:
        await reader.stop()


class TimedTransport(KafkaTransport):
    """The service's own Kafka transport, noting when its first poll arrived and when `expected` records were done."""

    def __init__(self, settings: KafkaSettings, expected: int, group_suffix: str = "") -> None:
        super().__init__(KafkaTransport.from_settings(settings, client_id="bench-projection").broker)
        self.expected = expected
        self.group_suffix = group_suffix
        self.handled = self.polls = 0
        self.started: float | None = None
        self.started_cpu = 0.0
        self.finished = asyncio.Event()
        self.seconds = self.cpu_seconds = 0.0

    def subscribe(self, topics: list[str], group_id: str, handler: PollHandler, max_records: int) -> None:
        async def timed(records) -> None:
            if self.started is None:
                self.started, self.started_cpu = time.perf_counter(), time.process_time()
            await handler(records)
            self.handled += len(records)
            self.polls += 1
            if self.handled >= self.expected and not self.finished.is_set():
                self.seconds = time.perf_counter() - self.started
                self.cpu_seconds = time.process_time() - self.started_cpu
                self.finished.set()

        super().subscribe(topics, group_id + self.group_suffix, timed, max_records)

    async def timed_until_done(self) -> Drained:
        await asyncio.wait_for(self.finished.wait(), timeout=600)
        return Drained(self.seconds, self.cpu_seconds, self.polls)


async def _pass_through(bootstrap: str, prefix: str, database_url: str, expected: int) -> Drained:
    """How long the jobs service's consumer takes to decode every record for a fold that does nothing else, each
    poll in its transaction as the projection's (in a consumer group of its own)."""
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    transport = TimedTransport(kafka, expected, group_suffix="-empty-fold")
    runtime = ServiceRuntime("jobs", JobsSettings(database_url=database_url, kafka=kafka), messaging, MIGRATIONS,
                             transport=transport)

    async def nothing(*_) -> None:
        pass

    async def decode_only(messages, *_) -> list:
        for _ in messages:  # each record is decoded as it is reached, as the projection's fold reaches it
            pass
        return []

    runtime.consume([Route(message, nothing) for message in consumers.FOLDED], max_records=POLL_MAX_RECORDS,
                    fold_poll=decode_only)
    await runtime.start()
    try:
        return await transport.timed_until_done()
    finally:
        await runtime.stop()


async def _fold(bootstrap: str, prefix: str, database_url: str, expected: int, job_count: int) -> Drained:
    """How long the real jobs service takes to fold every record into its database, from its first poll."""
    kafka = KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix)
    transport = TimedTransport(kafka, expected)
    # Started whole, with its background loops: the writer of job views works in this process too.
    service = build_service(JobsSettings(database_url=database_url, kafka=kafka), transport=transport)
    runtime = service.runtime
    await service.start()
    try:
        drained = await transport.timed_until_done()
        async with runtime.sessions() as session:
            folded = sum(len(seen) for seen in await session.scalars(select(jobs.c.seen)))
            succeeded = await session.scalar(select(func.count()).select_from(jobs).where(jobs.c.status == "succeeded"))
    finally:
        await service.stop()
    if (folded, succeeded) != (expected, job_count):
        sys.exit(f"the projection folded {folded} of {expected} messages and {succeeded} of {job_count} jobs succeeded")
    return drained


async def _rebuild(bootstrap: str, prefix: str, postgres_url: str, expected: int, job_count: int) -> Drained:
    """How long `tenderflow jobs rebuild` takes to replay the recorded topics into a fresh database, start to end."""
    database_url = await create_database(postgres_url, "bench_rebuild")
    settings = JobsSettings(database_url=database_url,
                            kafka=KafkaSettings(bootstrap_servers=bootstrap, topic_prefix=prefix))
    try:
        started, started_cpu = time.perf_counter(), time.process_time()
        read = await rebuild_projection(settings)
        drained = Drained(time.perf_counter() - started, time.process_time() - started_cpu, 0)
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                succeeded = await session.scalar(
                    select(func.count()).select_from(jobs).where(jobs.c.status == "succeeded"))
        finally:
            await engine.dispose()
    finally:
        await drop_database(postgres_url, database_url)
    if (read, succeeded) != (expected, job_count):
        sys.exit(f"the rebuild read {read} of {expected} messages and {succeeded} of {job_count} jobs succeeded")
    return drained


def _fold_in_memory(values: list[bytes]) -> Drained:
    """How long decoding the records' values into the projection's messages and folding them into their jobs takes
    with nothing else: no transport, no transaction, no job read or written."""
    decode = one_pass_decoder(route.message for route in consumers.routes())
    started, started_cpu = time.perf_counter(), time.process_time()
    drafts: dict[str, projection.Draft] = {}
    with heap.young_collections_put_off(len(values)):  # as the consumer holds them off for a poll
        for value in values:
            envelope = decode(value)
            job = drafts.get(envelope.jobid)
            if job is None:
                job = drafts[envelope.jobid] = projection.Draft(projection.new_job(envelope))
            projection.fold(job, envelope.data, envelope)
        for job in drafts.values():
            job.freeze()
    return Drained(time.perf_counter() - started, time.process_time() - started_cpu, 1)


if __name__ == "__main__":
    main()
