"""A purged job takes its run and answers with it."""

from sqlalchemy import delete

from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_questions import repository
from tenderflow_questions.models import cancelled_jobs, runs


async def job_purged(event: JobPurged, envelope: Envelope, uow: UnitOfWork) -> None:
    """Delete the job's run and its answers; a repeat finds nothing left to delete."""
    await uow.session.execute(delete(cancelled_jobs).where(cancelled_jobs.c.job_id == envelope.jobid))
    await repository.delete_runs(uow.session, runs.c.job_id == envelope.jobid, runs.c.tenant_id == envelope.tenantid)
