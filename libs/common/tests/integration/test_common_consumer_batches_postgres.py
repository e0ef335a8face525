"""On PostgreSQL, where ids are marked as one array: a poll's duplicates are skipped, and two replicas handed the
same records at once still handle each message exactly once."""

import asyncio

import pytest
from sqlalchemy import Column, String, Table, func, insert, select

from tenderflow_common.consumer import MessageConsumer, Route
from tenderflow_common.contracts.ingest import DocumentExtracted
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.topics import INGEST_EVENTS
from tenderflow_common.transport import Record

pytestmark = pytest.mark.integration

metadata = new_metadata()
tables = messaging_tables(metadata)
# No key: a message handled twice would show as two rows instead of failing.
effects = Table("effects", metadata, Column("document_id", String(50), nullable=False))


def record(document_id: str) -> Record:
    message = DocumentExtracted(package_id="p", document_id=document_id, file="a.xml", doc_type="xml", pages=1,
                                units=1, text_key="k")
    envelope = Envelope.wrap(message, source="tests", tenant_id="t", job_id="j", message_id=f"id-{document_id}")
    return Record(topic=INGEST_EVENTS, partition=0, offset=0, key=b"j", value=envelope.to_bytes())


async def record_effect(message: DocumentExtracted, envelope: Envelope, uow) -> None:
    await uow.session.execute(insert(effects).values(document_id=message.document_id))
    await asyncio.sleep(0.05)  # keeps the transaction open while the other replica marks the same ids


async def no_dead_letters(*_) -> None:
    raise AssertionError("every message here can be handled")


async def test_duplicates_and_a_concurrent_replica_leave_one_effect_per_message(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        replicas = [MessageConsumer("tests", session_factory(engine), tables, [Route(DocumentExtracted, record_effect)],
                                    no_dead_letters, attempts=3, backoff_seconds=0.01) for _ in range(2)]
        await replicas[0].consume_batch([record("a"), record("b"), record("a")])
        first = [record(name) for name in ("b", "c", "d", "e")]
        second = [record(name) for name in ("e", "d", "f", "a")]
        await asyncio.gather(replicas[0].consume_batch(first), replicas[1].consume_batch(second))
        async with engine.connect() as connection:
            counted = dict((await connection.execute(
                select(effects.c.document_id, func.count()).group_by(effects.c.document_id))).all())
            marked = await connection.scalar(select(func.count()).select_from(tables.processed))
        assert counted == {name: 1 for name in "abcdef"}
        assert marked == 6
    finally:
        await engine.dispose()
