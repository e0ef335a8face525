"""A step repeated after a crash emits the same event ids again; the outbox keeps one row each and nothing fails."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tenderflow_common.contracts.ingest import PackageAccepted
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.unit_of_work import transactions


def accepted(fact: str) -> Envelope:
    return Envelope.wrap(PackageAccepted(package_id="p1", files=[]), source="tests", tenant_id="t1", job_id="j1",
                         message_id=stable_id("p1", fact))


async def outbox_with(url: str, emit_rounds: list[list[Envelope]]) -> tuple[list[str], list[int]]:
    """Emit each round in a transaction of its own; the message ids in the outbox and how often the relay woke."""
    metadata = new_metadata()
    tables = messaging_tables(metadata)
    engine = create_engine(url)
    wakes: list[int] = []
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        transaction = transactions(session_factory(engine), tables, on_commit=lambda: wakes.append(1))
        for envelopes in emit_rounds:
            async with transaction() as uow:
                for envelope in envelopes:
                    await uow.emit(envelope)
        async with session_factory(engine)() as session:
            ids = list(await session.scalars(select(tables.outbox.c.message_id).order_by(tables.outbox.c.id)))
            assert await session.scalar(select(func.count()).select_from(tables.outbox)) == len(ids)
        return ids, wakes
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"


async def test_an_event_emitted_again_after_a_crash_keeps_its_one_row(sqlite_url: str) -> None:
    first, again = accepted("accepted"), accepted("accepted")
    ids, wakes = await outbox_with(sqlite_url, [[first], [again]])
    assert ids == [first.id]
    assert len(wakes) == 1, "a transaction that only repeated an event has nothing new for the relay"


async def test_a_repeat_inside_one_transaction_is_skipped_and_new_events_still_go_out(sqlite_url: str) -> None:
    ids, _ = await outbox_with(sqlite_url, [[accepted("accepted"), accepted("accepted"), accepted("extracted:a")]])
    assert ids == [stable_id("p1", "accepted"), stable_id("p1", "extracted:a")]
