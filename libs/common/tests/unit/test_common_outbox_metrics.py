"""The outbox gauges count only unpublished rows and age them from the oldest one, so a stuck relay shows."""

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY
from sqlalchemy import insert

from tenderflow_common.backlog_metrics import outbox_sampler
from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.messaging_tables import messaging_tables


def gauge(name: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"service": "outbox-test"})


async def test_backlog_and_age_come_from_the_unpublished_rows_only(tmp_path):
    metadata = new_metadata()
    tables = messaging_tables(metadata)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = session_factory(engine)
    sample = outbox_sampler("outbox-test", sessions, tables.outbox)
    try:
        await sample()
        assert (gauge("tenderflow_outbox_backlog_messages"), gauge("tenderflow_outbox_oldest_age_seconds")) == (0, 0)

        now = datetime.now(UTC)
        rows = [("sent", now - timedelta(hours=2), now), ("waiting-long", now - timedelta(minutes=10), None),
                ("waiting-short", now - timedelta(seconds=5), None)]
        async with sessions() as session, session.begin():
            await session.execute(insert(tables.outbox), [
                {"message_id": message_id, "topic": "t", "key": "k", "payload": b"{}", "headers": {},
                 "created_at": created, "published_at": published} for message_id, created, published in rows])
        await sample()
    finally:
        await engine.dispose()
    assert gauge("tenderflow_outbox_backlog_messages") == 2
    assert 600 <= gauge("tenderflow_outbox_oldest_age_seconds") < 660
