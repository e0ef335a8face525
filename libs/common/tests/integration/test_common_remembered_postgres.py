"""On PostgreSQL: remembering an id that another transaction remembered and committed meanwhile is a no-op, not a
UniqueViolationError, so both deliveries' transactions commit."""

import pytest
from sqlalchemy import func, select

from tenderflow_common.db import create_engine, new_metadata, session_factory
from tenderflow_common.remembered import is_remembered, remember, remembered_table

pytestmark = pytest.mark.integration


async def test_an_id_remembered_meanwhile_by_another_transaction_is_kept_once(fresh_database_url: str) -> None:
    metadata = new_metadata()
    cancelled = remembered_table(metadata, "cancelled_jobs", ["job_id"], "cancelled_at")
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        sessions = session_factory(engine)
        async with sessions() as first, first.begin():
            assert not await is_remembered(first, cancelled, job_id="job-1")
            async with sessions() as twin, twin.begin():
                await remember(twin, cancelled, job_id="job-1")
            await remember(first, cancelled, job_id="job-1")
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(cancelled)) == 1
            assert await is_remembered(session, cancelled, job_id="job-1")
    finally:
        await engine.dispose()
