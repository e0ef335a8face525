"""A purged job takes its run and answers with it."""

from sqlalchemy import delete, select

from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_questions.models import answers, cancelled_jobs, runs


async def job_purged(event: JobPurged, envelope: Envelope, uow: UnitOfWork) -> None:
    """Delete the job's run and its answers; a repeat finds nothing left to delete."""
    await uow.session.execute(delete(cancelled_jobs).where(cancelled_jobs.c.job_id == envelope.jobid))
    run_ids = list((await uow.session.execute(select(runs.c.id).where(
        runs.c.job_id == envelope.jobid, runs.c.tenant_id == envelope.tenantid))).scalars())
    if not run_ids:
        return
    await uow.session.execute(delete(answers).where(answers.c.run_id.in_(run_ids)))
    await uow.session.execute(delete(runs).where(runs.c.id.in_(run_ids)))
