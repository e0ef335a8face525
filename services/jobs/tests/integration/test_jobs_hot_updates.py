"""The jobs table leaves room on its pages, so rewriting a job's row, which every poll that touches the job does,
keeps the new version beside the old one (a HOT update) instead of adding an entry to each of its indexes."""

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_jobs import repository
from tenderflow_jobs.main import MIGRATIONS
from tenderflow_jobs.projection import JobState

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# Enough rows of a real job's width to fill many pages.
JOBS = 400


def job(number: int) -> JobState:
    return JobState(job_id=f"job-{number:04}", tenant_id="t", created_at=T0, updated_at=T0,
                    files=[{"name": f"annex-{n}.pdf", "accepted": True} for n in range(4)], files_total=4,
                    files_accepted=4, seen=frozenset(f"{number}-{n}" for n in range(5)))


async def test_a_poll_rewriting_its_jobs_mostly_updates_them_in_place(fresh_database_url):
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            await repository.save_many(session, [job(n) for n in range(JOBS)], new=True)
            pages = await session.scalar(text("SELECT pg_relation_size('jobs') / current_setting('block_size')::int"))
        async with sessions.begin() as session:
            stored = await repository.get_many(session, [job(n).job_id for n in range(JOBS)], for_update=True)
            await repository.update_many(session, [dataclasses.replace(state, pages=12, version=state.version + 1)
                                                   for state in stored.values()], stored)
            # This transaction's own counts, before they are reported to the statistics.
            updated, in_place = (await session.execute(text(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'jobs'"))).one()
        assert pages >= 10
        assert updated == JOBS
        # Full pages (the default fill factor) leave room for the last, partly filled page's rows alone.
        assert in_place >= JOBS // 4, f"{in_place} of {updated} updates in place on {pages} pages"
    finally:
        await engine.dispose()
