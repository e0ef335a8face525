"""Folding a poll's messages together leaves every job exactly as folding them one by one does."""

import asyncio
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tenderflow_common.consumer import MessageConsumer
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.shared import FileVerdict, JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.transport import Record
from tenderflow_jobs import consumers
from tenderflow_jobs.models import jobs as jobs_table
from tenderflow_jobs.models import messaging, metadata

T0 = datetime(2026, 1, 1, tzinfo=UTC)
VERDICTS = [FileVerdict(name="a.xml", accepted=True, doc_type="xml")]
MESSAGES = (
    ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x", request=JobRequest()),
    ingest.PackageAccepted(package_id="p", files=VERDICTS),
    ingest.DocumentExtracted(package_id="p", document_id="d", file="a.xml", doc_type="xml", pages=3, units=1,
                             text_key="k"),
    ingest.PackageIngested(package_id="p", request=JobRequest(), documents=[], files=VERDICTS),
    workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id="p", backend="builtin",
                               documents=1, chunks=7, request=JobRequest()),
    questions.RunStarted(run_id="r", workspace_id="w", model="extractive:default", questions=2),
    questions.AnswerRecorded(run_id="r", question_id="q1", answered=True, confidence=0.8),
    questions.RunCompleted(run_id="r", questions=2, answered=2),
    jobs.CancelJob(reason="no longer needed"),
    ingest.PackageFailed(package_id="p", reason="broken"),
    jobs.JobStalled(stage="ingesting", idle_since=T0 + timedelta(seconds=25), stall_seconds=60),
)

# How a producer keyed a record: by its job's id (as the services do), not at all, or by another job's id.
KEYS = ("own", "own", "none", "another")

# (job, message, tenant, seconds, key): a message may repeat (a redelivery), some come from a stranger's tenant, and
# some are keyed otherwise than by their job.
deliveries = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, len(MESSAGES) - 1), st.sampled_from(["t", "t", "t", "stranger"]),
              st.integers(0, 50), st.sampled_from(KEYS)),
    min_size=1, max_size=40,
).flatmap(lambda drawn: st.tuples(st.just(drawn), st.lists(st.sampled_from(range(len(drawn))), max_size=8),
                                  st.lists(st.integers(1, 12), min_size=1, max_size=10)))


def to_records(drawn, repeats) -> list[Record]:
    records = []
    for number, (job, message, tenant, seconds, keyed) in enumerate(drawn):
        envelope = Envelope.wrap(MESSAGES[message], source="tests", tenant_id=tenant, job_id=f"job-{job}",
                                 message_id=f"m{number}")
        envelope = envelope.model_copy(update={"time": T0 + timedelta(seconds=seconds)})
        key = {"own": f"job-{job}", "none": None, "another": f"job-{(job + 1) % 3}"}[keyed]
        records.append(Record(topic=MESSAGES[message].topic, partition=0, offset=number,
                              key=key.encode() if key else None, value=envelope.to_bytes()))
    for at, number in enumerate(repeats):
        records.insert(min(number + at + 1, len(records)), records[number])
    return records


async def fold_all(folder: Path, records: list[Record], poll_sizes: list[int] | None) -> tuple[list, list]:
    """The jobs table and the outbox after folding the records, one by one or in polls of the given sizes; a poll
    must fold whole, since a failed one is handled again one by one and would hide what went wrong."""
    engine = create_engine(f"sqlite+aiosqlite:///{folder / f'jobs-{bool(poll_sizes)}.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)

        async def no_dead_letters(*_) -> None:
            raise AssertionError("nothing here is unhandleable")

        fold_poll = consumers.poll_fold()
        failed: list[Exception] = []

        async def fold_whole(*poll):
            try:
                return await fold_poll(*poll)
            except Exception as error:
                failed.append(error)
                raise

        consumer = MessageConsumer("tenderflow-jobs", session_factory(engine), messaging, consumers.routes(),
                                   no_dead_letters, attempts=1, fold_poll=fold_whole)
        if poll_sizes is None:
            for record in records:
                await consumer.consume(record)
        else:
            start = 0
            while start < len(records):
                size = poll_sizes[(start // 3) % len(poll_sizes)]
                await consumer.consume_batch(records[start:start + size])
                start += size
            assert not failed, f"a poll failed and was folded one by one: {failed[0]!r}"
        async with engine.connect() as connection:
            rows = [tuple(row) for row in await connection.execute(select(jobs_table).order_by(jobs_table.c.job_id))]
            outbox = list(await connection.scalars(select(messaging.outbox.c.message_id).order_by(
                messaging.outbox.c.message_id)))
        return rows, outbox
    finally:
        await engine.dispose()


@settings(max_examples=40, deadline=None)
@given(deliveries)
def test_a_batch_folds_into_the_same_jobs_as_one_message_at_a_time(drawn_case):
    drawn, repeats, poll_sizes = drawn_case
    records = to_records(drawn, repeats)
    with tempfile.TemporaryDirectory() as folder:
        one_by_one = asyncio.run(fold_all(Path(folder), records, None))
        in_polls = asyncio.run(fold_all(Path(folder), records, poll_sizes))
    assert in_polls == one_by_one
    assert one_by_one[0], "every case has at least one job of the right tenant or a stranger's first message"


async def test_a_poll_with_poison_folds_the_rest_and_sets_the_poison_aside_once_it_commits(tmp_path):
    good = to_records([(0, 0, "t", 0, "own"), (0, 1, "t", 1, "own"), (1, 0, "t", 2, "none")], [])
    invalid = Envelope.wrap(MESSAGES[1], source="tests", tenant_id="t", job_id="job-0", message_id="bad")
    invalid_payload = invalid.model_dump(mode="json") | {"data": {"package_id": 7}}
    poison = [Record(topic=MESSAGES[0].topic, partition=0, offset=90, key=b"job-0", value=b"{not an envelope"),
              Record(topic=MESSAGES[1].topic, partition=0, offset=91, key=b"job-0",
                     value=json.dumps(invalid_payload).encode())]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    set_aside: list[tuple[bytes, str, int]] = []

    async def dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        async with engine.connect() as connection:  # what the poll's transaction had committed by then
            folded = await connection.scalar(select(func.count()).select_from(jobs_table))
        set_aside.append((value, headers["x-dead-letter-reason"], folded))

    consumer = MessageConsumer("tenderflow-jobs", session_factory(engine), messaging, consumers.routes(), dead_letter,
                               attempts=1, fold_poll=consumers.poll_fold())
    try:
        await consumer.consume_batch([good[0], poison[0], good[1], poison[1], good[2]])
        async with engine.connect() as connection:
            jobs = {row.job_id: row for row in await connection.execute(select(jobs_table))}
    finally:
        await engine.dispose()
    assert [(value, reason.split(":")[0], folded) for value, reason, folded in set_aside] == [
        (poison[0].value, "malformed envelope", 2), (poison[1].value, f"invalid {MESSAGES[1].message_type} payload", 2)]
    assert jobs["job-0"].version == 2 and jobs["job-1"].version == 1
