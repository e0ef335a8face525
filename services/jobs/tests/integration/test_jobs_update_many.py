"""Overwriting a poll's jobs on PostgreSQL: a job whose file or error lists did not change keeps them, one whose
lists changed gets the new ones, and every other column, the ids folded among them, is written either way."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from tenderflow_common.db import create_engine, session_factory
from tenderflow_jobs import repository
from tenderflow_jobs.models import metadata
from tenderflow_jobs.projection import JobState

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FILES = [{"name": "a.pdf", "accepted": True}]


def job(job_id: str) -> JobState:
    return JobState(job_id=job_id, tenant_id="t", created_at=T0, updated_at=T0, files=FILES, files_total=1,
                    files_accepted=1, seen=frozenset({f"{job_id}-accepted"}))


async def test_only_changed_lists_are_sent_and_every_change_is_kept(fresh_database_url):
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            await repository.save_many(session, [job("same"), job("other")], new=True)
        async with sessions.begin() as session:
            stored = await repository.get_many(session, ["same", "other"], for_update=True)
            later = T0 + timedelta(seconds=5)
            assert stored["same"].seen == {"same-accepted"}, "a job's folded ids come back as they were saved"
            counted = dataclasses.replace(stored["same"], pages=12, updated_at=later, version=3,
                                          seen=stored["same"].seen | {"same-extracted", "same-answered"})
            refiled = dataclasses.replace(stored["other"], files=[*FILES, {"name": "b.pdf", "accepted": False}],
                                         errors=[{"code": "x", "message": "m", "correlation_id": "c"}],
                                         files_total=2, status="failed", version=4,
                                         seen=stored["other"].seen | {"other-refused"})
            await repository.update_many(session, [counted, refiled], stored)
        async with sessions() as session:
            assert await repository.get_many(session, ["same", "other"]) == {"same": counted, "other": refiled}
    finally:
        await engine.dispose()
