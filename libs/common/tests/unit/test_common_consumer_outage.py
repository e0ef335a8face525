"""A message handled while the database restarts waits for it and is handled once; it is not dead-lettered, which
would lose its job. A handler failing for its own reasons still gives up after its attempts."""

from pathlib import Path

import pytest
from sqlalchemy import Column, String, Table, insert, select
from sqlalchemy.exc import OperationalError

from tenderflow_common.consumer import MessageConsumer, Route
from tenderflow_common.contracts.ingest import PackageAccepted
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.topics import INGEST_EVENTS
from tenderflow_common.transport import Record

ATTEMPTS = 3
metadata = new_metadata()
tables = messaging_tables(metadata)
effects = Table("effects", metadata, Column("package_id", String(50), primary_key=True))


class FlakyHandler:
    """Fails `failures` times with `error`, then records its effect."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def __call__(self, message: PackageAccepted, envelope: Envelope, uow) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        await uow.session.execute(insert(effects).values(package_id=message.package_id))


async def consume_once(url: str, handler: FlakyHandler) -> tuple[list[str], list[bytes]]:
    """One record through a consumer over `url`; the effects recorded and the dead letters sent."""
    engine = create_engine(url)
    dead: list[bytes] = []

    async def dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        dead.append(value)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        consumer = MessageConsumer("tests", session_factory(engine), tables, [Route(PackageAccepted, handler)],
                                   dead_letter, attempts=ATTEMPTS, backoff_seconds=0.001)
        envelope = Envelope.wrap(PackageAccepted(package_id="p1", files=[]), source="tests", tenant_id="t",
                                 job_id="j")
        await consumer.consume(Record(topic=INGEST_EVENTS, partition=0, offset=0, key=b"j",
                                      value=envelope.to_bytes()))
        async with engine.connect() as connection:
            return list(await connection.scalars(select(effects.c.package_id))), dead
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}"


async def test_a_message_outlasts_a_database_restart_and_is_handled_once(sqlite_url: str) -> None:
    restarting = OperationalError("SELECT 1", {}, ConnectionRefusedError("the database system is starting up"))
    handler = FlakyHandler(failures=2 * ATTEMPTS, error=restarting)
    handled, dead = await consume_once(sqlite_url, handler)
    assert handled == ["p1"]
    assert dead == []
    assert handler.calls == 2 * ATTEMPTS + 1


async def test_a_handler_failing_for_its_own_reasons_still_gives_up(sqlite_url: str) -> None:
    handler = FlakyHandler(failures=2 * ATTEMPTS, error=ValueError("cannot be handled"))
    handled, dead = await consume_once(sqlite_url, handler)
    assert handled == []
    assert len(dead) == 1
    assert handler.calls == ATTEMPTS
