"""A remembered id is recorded once, keeping its first time, and is asked about by its whole key only; the table
is declared with the shape the services' migrations built."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.remembered import is_remembered, remember, remembered_table

EARLIER = datetime(2026, 1, 1, tzinfo=UTC)


async def test_remembering_twice_keeps_one_row_and_its_first_time(tmp_path: Path) -> None:
    metadata = new_metadata()
    purged = remembered_table(metadata, "purged_jobs", ["tenant_id", "job_id"], "purged_at")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'remembered.db'}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            assert not await is_remembered(session, purged, tenant_id="acme", job_id="job-1")
            await remember(session, purged, tenant_id="acme", job_id="job-1")
            await session.execute(update(purged).values(purged_at=EARLIER))
        async with sessions() as session, session.begin():
            await remember(session, purged, tenant_id="acme", job_id="job-1")
        async with sessions() as session:
            rows = (await session.execute(select(purged))).all()
            assert rows == [("acme", "job-1", EARLIER)]
            assert await is_remembered(session, purged, tenant_id="acme", job_id="job-1")
            assert not await is_remembered(session, purged, tenant_id="globex", job_id="job-1")
    finally:
        await engine.dispose()


async def test_a_part_of_the_key_is_refused(tmp_path: Path) -> None:
    purged = remembered_table(new_metadata(), "purged_jobs", ["tenant_id", "job_id"], "purged_at")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'remembered.db'}")
    try:
        async with session_factory(engine)() as session:
            with pytest.raises(ValueError, match="tenant_id"):
                await is_remembered(session, purged, job_id="job-1")
            with pytest.raises(ValueError, match="tenant_id"):
                await remember(session, purged, job_id="job-1", workspace_id="w")
    finally:
        await engine.dispose()


def test_the_table_is_keyed_by_its_ids_and_indexed_by_its_time() -> None:
    metadata = new_metadata()
    purged = remembered_table(metadata, "purged_jobs", ["tenant_id", "job_id"], "purged_at")
    assert [column.name for column in purged.columns] == ["tenant_id", "job_id", "purged_at"]
    assert [column.name for column in purged.primary_key.columns] == ["tenant_id", "job_id"]
    assert purged.primary_key.name == "pk_purged_jobs"
    assert [(index.name, [c.name for c in index.columns]) for index in purged.indexes] == [
        ("ix_purged_jobs_purged_at", ["purged_at"])]
    assert not purged.c.purged_at.nullable and purged.c.purged_at.server_default is not None
