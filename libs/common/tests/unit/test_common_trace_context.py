"""A job's trace context survives every hop: the outbox row, the relay's send, the consumer's process span (one
span for a batch), and a claimed task (also when its step is resumed after a crash); logs written inside carry the
trace and span ids."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace

import pytest
from opentelemetry import propagate, trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import JSON, Boolean, Column, Integer, String, Table, func, insert, update

from tenderflow_common.consumer import MessageConsumer, Route
from tenderflow_common.contracts.ingest import PackageAccepted
from tenderflow_common.db import UtcDateTime, create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.logging import TenderflowJsonFormatter
from tenderflow_common.message_tracing import processing_batch
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.relay import OutboxRelay
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.telemetry import configure_tracing, current_trace_headers, tracer
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import transactions
from tenderflow_common.work import Claim, Claimed, LeasedWorker, WorkQueue

metadata = new_metadata()
tables = messaging_tables(metadata)
tasks = Table(
    "tasks", metadata,
    Column("id", String(50), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("claimed_at", UtcDateTime()),
    Column("claimed_by", String(255)),
    Column("claims", Integer, nullable=False, server_default="0"),
    Column("trace_context", JSON),
    Column("created_at", UtcDateTime(), nullable=False, server_default=func.now()),
    Column("finished_at", UtcDateTime()),
)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans finished while the test runs, from the provider the services install."""
    configure_tracing("tests")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


@pytest.fixture
async def database(tmp_path) -> AsyncIterator:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


def named(exported: InMemorySpanExporter, prefix: str) -> list[ReadableSpan]:
    return [span for span in exported.get_finished_spans() if span.name.startswith(prefix)]


def accepted() -> Envelope:
    return Envelope.wrap(PackageAccepted(package_id="p1", files=[]), source="tests", tenant_id="t1", job_id="j1")


async def test_an_outbox_row_is_sent_and_processed_in_the_trace_that_emitted_it(spans, database):
    sessions = session_factory(database)
    transport = InMemoryTransport()
    seen: list[tuple[trace.SpanContext, dict]] = []
    formatter = TenderflowJsonFormatter("tests")

    async def handle(message, envelope, uow) -> None:
        line = formatter.format(logging.LogRecord("tests", logging.INFO, __file__, 1, "handled", None, None))
        seen.append((trace.get_current_span().get_span_context(), json.loads(line)))

    consumer = MessageConsumer("tests-consumer", sessions, tables, [Route(PackageAccepted, handle)],
                               lambda *_: asyncio.sleep(0))
    transport.subscribe([PackageAccepted.topic], "tests-consumer", consumer.consume_batch)
    await transport.start()
    try:
        with tracer("tests").start_as_current_span("POST /v1/documents") as upload:
            async with transactions(sessions, tables)() as uow:
                await uow.emit(accepted())
        # The relay runs outside any trace, as its background loop does.
        publish = ServiceRuntime.publisher(SimpleNamespace(transport=transport))
        assert await OutboxRelay(sessions, tables, publish).publish_pending() == 1
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
    finally:
        await transport.stop()

    job_trace = upload.get_span_context().trace_id
    [send] = named(spans, f"send {PackageAccepted.topic}")
    [process] = named(spans, f"process {PackageAccepted.topic}")
    assert send.kind == trace.SpanKind.PRODUCER and send.parent.span_id == upload.get_span_context().span_id
    assert process.kind == trace.SpanKind.CONSUMER and process.parent.span_id == send.context.span_id
    assert {send.context.trace_id, process.context.trace_id} == {job_trace}
    assert send.attributes["messaging.system"] == "kafka" and send.attributes["messaging.operation.type"] == "send"
    assert process.attributes["messaging.destination.name"] == PackageAccepted.topic
    assert process.attributes["messaging.consumer.group.name"] == "tests-consumer"
    [(handler_span, log_line)] = seen
    assert handler_span.trace_id == job_trace
    assert log_line["trace_id"] == format(job_trace, "032x")
    assert log_line["span_id"] == format(handler_span.span_id, "016x")


async def test_a_claimed_task_continues_its_trace_also_when_resumed(spans, database):
    sessions = session_factory(database)
    transaction = transactions(sessions, tables)
    steps: list[trace.SpanContext] = []

    async def step(task: Claimed, claim: Claim) -> None:
        steps.append(trace.get_current_span().get_span_context())

    worker = LeasedWorker("tests-worker", WorkQueue(tasks, active="running"), transaction,
                          lambda row: Claimed(row.id, "j1", "t1", "c1", "cause1"), step)
    with tracer("tests").start_as_current_span("process tenderflow.ingest.commands") as created:
        async with transaction() as uow:
            await uow.session.execute(insert(tasks).values(id="task1", status="pending",
                                                           trace_context=current_trace_headers()))
    assert await worker.run_next()
    # A crash: the task goes back to be claimed again, by a process that knows nothing but the row.
    async with transaction() as uow:
        await uow.session.execute(update(tasks).values(status="pending"))
    assert await worker.run_next()

    job_trace = created.get_span_context().trace_id
    assert [context.trace_id for context in steps] == [job_trace, job_trace]
    step_spans = named(spans, "tests-worker step")
    assert [span.parent.span_id for span in step_spans] == [created.get_span_context().span_id] * 2
    assert [span.attributes["tenderflow.claim"] for span in step_spans] == [1, 2]


def sent_in(span_name: str) -> dict[str, str]:
    """Headers as a producer span of a trace of its own would send them."""
    with tracer("tests").start_as_current_span(span_name):
        return current_trace_headers()


def test_a_batch_of_one_trace_continues_it_and_a_mixed_batch_links_each_record(spans):
    first, second = sent_in("upload 1"), sent_in("upload 2")
    one_job = [Record(PackageAccepted.topic, 0, offset, b"j1", b"{}", first) for offset in range(3)]
    mixed = [Record(PackageAccepted.topic, 0, 3, b"j1", b"{}", first),
             Record(PackageAccepted.topic, 0, 4, b"j2", b"{}", second)]
    with processing_batch(one_job, "tests-consumer") as continued:
        pass
    with processing_batch(mixed, "tests-consumer") as linked:
        pass

    first_span = trace.get_current_span(propagate.extract(first)).get_span_context()
    assert continued.get_span_context().trace_id == first_span.trace_id
    assert continued.parent.span_id == first_span.span_id
    assert continued.attributes["messaging.batch.message_count"] == 3
    assert linked.parent is None and linked.get_span_context().trace_id != first_span.trace_id
    assert [link.context.span_id for link in linked.links] == [
        trace.get_current_span(propagate.extract(headers)).get_span_context().span_id for headers in (first, second)]
