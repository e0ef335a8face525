"""A poll's records are handled in one transaction, each message id once; a poison record is set aside alone."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, String, Table, event, func, insert, select
from sqlalchemy.exc import OperationalError

from tenderflow_common.consumer import MessageConsumer, Route
from tenderflow_common.contracts.ingest import DocumentExtracted
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.topics import INGEST_EVENTS
from tenderflow_common.transport import Record

metadata = new_metadata()
tables = messaging_tables(metadata)
effects = Table("effects", metadata, Column("document_id", String(50), primary_key=True))


def extracted(document_id: str) -> Envelope:
    message = DocumentExtracted(package_id="p", document_id=document_id, file=f"{document_id}.xml", doc_type="xml",
                                pages=1, units=1, text_key="k")
    return Envelope.wrap(message, source="tests", tenant_id="t", job_id="j", message_id=f"id-{document_id}")


def records(*values: Envelope | bytes) -> list[Record]:
    return [Record(topic=INGEST_EVENTS, partition=0, offset=offset, key=b"j",
                   value=value if isinstance(value, bytes) else value.to_bytes())
            for offset, value in enumerate(values)]


async def record_effect(message: DocumentExtracted, envelope: Envelope, uow) -> None:
    """The effect a handler must not repeat; a primary key makes a repeat fail loudly."""
    if message.document_id.startswith("poison"):
        raise RuntimeError("this message can never be handled")
    await uow.session.execute(insert(effects).values(document_id=message.document_id))


class Harness:
    """A consumer over SQLite that records its dead letters and counts its database commits."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.dead: list[bytes] = []
        self.commits = 0
        event.listen(engine.sync_engine, "commit", self._count_commit)
        self.consumer = MessageConsumer("tests", session_factory(engine), tables,
                                        [Route(DocumentExtracted, record_effect)], self._dead_letter,
                                        attempts=2, backoff_seconds=0.001)

    def _count_commit(self, _connection) -> None:
        self.commits += 1

    async def _dead_letter(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        self.dead.append(value)

    async def effects(self) -> list[str]:
        async with self.engine.connect() as connection:
            return sorted(await connection.scalars(select(effects.c.document_id)))

    async def processed(self) -> int:
        async with self.engine.connect() as connection:
            return await connection.scalar(select(func.count()).select_from(tables.processed))


@pytest.fixture
async def harness(tmp_path) -> AsyncIterator[Harness]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield Harness(engine)
    await engine.dispose()


async def test_a_poll_is_one_commit_and_duplicates_in_it_or_before_it_are_skipped(harness):
    await harness.consumer.consume_batch(records(extracted("a"), extracted("b"), extracted("a"), extracted("c")))
    assert harness.commits == 1
    assert await harness.effects() == ["a", "b", "c"]

    await harness.consumer.consume_batch(records(extracted("c"), extracted("d"), extracted("b")))
    assert await harness.effects() == ["a", "b", "c", "d"]
    assert await harness.processed() == 4
    assert harness.dead == []


async def test_a_poison_record_in_the_middle_is_dead_lettered_once_and_the_rest_handled_once(harness):
    poison = extracted("poison-1")
    await harness.consumer.consume_batch(records(extracted("a"), b"{not an envelope", extracted("b"), poison,
                                                 extracted("c")))
    assert await harness.effects() == ["a", "b", "c"]
    assert harness.dead == [b"{not an envelope", poison.to_bytes()]
    assert await harness.processed() == 3


async def test_a_poll_redelivered_after_its_commit_changes_nothing(harness):
    """A crash after the database commit and before the offset commit redelivers the whole poll."""
    poll = records(extracted("a"), extracted("b"), extracted("c"))
    await harness.consumer.consume_batch(poll)
    commits = harness.commits
    await harness.consumer.consume_batch(poll)
    assert await harness.effects() == ["a", "b", "c"]
    assert await harness.processed() == 3
    assert harness.commits == commits
    assert harness.dead == []


async def test_a_poll_whose_database_is_away_is_tried_again_whole_once_it_is_back(harness):
    """Handled one by one after an outage, a large poll would cost a transaction a record."""
    outages = iter([True, True])

    async def away_twice(message, envelope, uow) -> None:
        if next(outages, False):
            raise OperationalError("INSERT", {}, ConnectionRefusedError("the database restarts"))
        await record_effect(message, envelope, uow)

    harness.consumer.routes[DocumentExtracted.message_type] = Route(DocumentExtracted, away_twice)
    await harness.consumer.consume_batch(records(extracted("a"), extracted("b"), extracted("c")))
    assert await harness.effects() == ["a", "b", "c"]
    assert harness.commits == 1, "the poll was handled whole, in one transaction, not record by record"
    assert await harness.processed() == 3
    assert harness.dead == []
