"""The gateway forgets an accepted submission after its keep time, so a job purged on expiry leaves nothing here."""

from datetime import UTC, datetime, timedelta

from tenderflow_gateway import repository
from tenderflow_gateway.submission_sweep import BATCH, SubmissionSweep


async def test_submissions_older_than_the_keep_time_are_forgotten_and_newer_ones_stay(make_gateway):
    gateway = await make_gateway()
    tenant_id = await gateway.tenant_id()
    sessions = gateway.service.runtime.sessions
    async with sessions() as session, session.begin():
        for job_id in ("old", "new"):
            await repository.record_submission(session, job_id, tenant_id, "tender.zip")
    sweep = SubmissionSweep(sessions, keep_hours=24)
    now = datetime.now(UTC)

    assert await sweep.forget_some(now) == 0
    async with sessions() as session:
        assert await repository.submission(session, "old", tenant_id) is not None

    async with sessions() as session, session.begin():
        assert await repository.forget_submissions_before(session, now + timedelta(seconds=1), batch=1) == 1
        assert await repository.forget_submissions_before(session, now - timedelta(hours=1), batch=BATCH) == 0
    assert await sweep.forget_some(now + timedelta(hours=25)) == 1, "the one the direct deletes left"
    async with sessions() as session:
        assert [await repository.submission(session, job_id, tenant_id) for job_id in ("old", "new")] == [None, None]
