"""On PostgreSQL, where the lost job was seen: re-emitting an id already in the outbox is a no-op, not a
UniqueViolationError, and the rest of the transaction still commits."""

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert, select

from tenderflow_common.contracts.ingest import PackageAccepted
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.unit_of_work import transactions

pytestmark = pytest.mark.integration


def accepted(package_id: str) -> Envelope:
    return Envelope.wrap(PackageAccepted(package_id=package_id, files=[]), source="tests", tenant_id="t1",
                         job_id="j1", message_id=stable_id(package_id, "accepted"))


def effects_table(metadata: MetaData) -> Table:
    return Table("effects", metadata, Column("name", String(50), primary_key=True))


async def test_a_resumed_step_re_emits_its_event_and_still_commits_its_effect(fresh_database_url: str) -> None:
    metadata = new_metadata()
    tables = messaging_tables(metadata)
    effects = effects_table(metadata)
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        transaction = transactions(session_factory(engine), tables)
        async with transaction() as uow:
            await uow.emit(accepted("p1"))
        async with transaction() as uow:  # the same step after a restart, with one more effect of its own
            await uow.emit(accepted("p1"))
            await uow.session.execute(insert(effects).values(name="after restart"))
            await uow.emit(accepted("p2"))
        async with session_factory(engine)() as session:
            ids = list(await session.scalars(select(tables.outbox.c.message_id).order_by(tables.outbox.c.id)))
            names = list(await session.scalars(select(effects.c.name)))
        assert ids == [stable_id("p1", "accepted"), stable_id("p2", "accepted")]
        assert names == ["after restart"]
    finally:
        await engine.dispose()
