"""Housekeeping deletes processed-message rows past their retention and published outbox rows past their grace,
in batches, and never an outbox row still waiting for the relay; a service's remembered jobs go with the processed
messages."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Column, String, Table, insert, select

from tenderflow_common.db import UtcDateTime, create_engine, new_metadata, session_factory
from tenderflow_common.housekeeping import MessagingHousekeeping
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.settings import MessagingSettings

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def test_old_processed_rows_and_old_published_outbox_rows_go_in_batches(tmp_path: Path) -> None:
    metadata = new_metadata()
    tables = messaging_tables(metadata)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'messaging.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            old, recent = NOW - timedelta(hours=400), NOW - timedelta(hours=2)
            await connection.execute(insert(tables.processed), [
                {"consumer": "c", "message_id": f"old-{n}", "processed_at": old} for n in range(5)] + [
                {"consumer": "c", "message_id": "recent", "processed_at": recent}])
            await connection.execute(insert(tables.outbox), [
                outbox_row("published-long-ago", published_at=NOW - timedelta(hours=30)),
                outbox_row("published-just-now", published_at=recent),
                outbox_row("never-published", published_at=None, created_at=old)])
        sessions = session_factory(engine)
        settings = MessagingSettings(processed_retention_hours=336, outbox_retention_hours=24, housekeeping_batch=2)
        housekeeping = MessagingHousekeeping(sessions, tables, settings)

        rounds = [await housekeeping.delete_some(NOW) for _ in range(4)]
        again = await housekeeping.delete_some(NOW)

        async with sessions() as session:
            processed = set(await session.scalars(select(tables.processed.c.message_id)))
            outbox = set(await session.scalars(select(tables.outbox.c.message_id)))
        assert processed == {"recent"}
        assert outbox == {"published-just-now", "never-published"}
        assert rounds == [2, 2, 1, 0], "the larger of the two tables' batches, each at most housekeeping_batch"
        assert again == 0
    finally:
        await engine.dispose()


async def test_remembered_jobs_go_with_the_processed_messages_of_their_time(tmp_path: Path) -> None:
    metadata = new_metadata()
    tables = messaging_tables(metadata)
    purged = Table("purged_jobs", metadata, Column("tenant_id", String(20), primary_key=True),
                   Column("job_id", String(20), primary_key=True), Column("purged_at", UtcDateTime()))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'messaging.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(purged), [
                {"tenant_id": "acme", "job_id": f"old-{n}", "purged_at": NOW - timedelta(hours=337)} for n in range(3)
            ] + [{"tenant_id": "acme", "job_id": "recent", "purged_at": NOW - timedelta(hours=335)},
                 {"tenant_id": "acme", "job_id": "unstamped", "purged_at": None}])
        sessions = session_factory(engine)
        settings = MessagingSettings(processed_retention_hours=336, housekeeping_batch=2)
        housekeeping = MessagingHousekeeping(sessions, tables, settings)
        housekeeping.forget_with_messages(purged.c.purged_at)

        rounds = [await housekeeping.delete_some(NOW) for _ in range(3)]

        async with sessions() as session:
            left = set(await session.scalars(select(purged.c.job_id)))
        assert left == {"recent", "unstamped"}
        assert rounds == [2, 1, 0]
    finally:
        await engine.dispose()


def outbox_row(message_id: str, *, published_at: datetime | None, created_at: datetime = NOW) -> dict:
    return {"message_id": message_id, "topic": "t", "key": "k", "payload": b"{}", "headers": {},
            "created_at": created_at, "published_at": published_at}
