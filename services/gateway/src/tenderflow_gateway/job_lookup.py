"""A job as the jobs service knows it, for the reads that cannot be served from Redis."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tenderflow_common.contracts.jobs import JobProgress, JobView
from tenderflow_common.endpoints import Database
from tenderflow_common.job_views import VERSION_HEADER
from tenderflow_common.problems import Problem
from tenderflow_gateway import repository
from tenderflow_gateway.clients import Clients, segment

# The version of a job accepted here that the jobs service has not folded yet: its first folded change is 1.
ACCEPTED_VERSION = 0


@dataclass(frozen=True)
class StoredJob:
    """A job's view and the version it was folded at."""

    version: int
    view: JobView


async def stored_job(clients: Clients, database: Database, job_id: str, tenant_id: str) -> StoredJob:
    """The jobs service's view; a job accepted here that it has not seen yet is queued; 404 for anything else."""
    response = await clients.jobs.get(f"/internal/jobs/{segment(job_id)}", tenant_id=tenant_id)
    if response.status_code == 200:
        return StoredJob(int(response.headers.get(VERSION_HEADER, ACCEPTED_VERSION)),
                         JobView.model_validate_json(response.content))
    async with database.sessions() as session:
        accepted = await repository.submission(session, job_id, tenant_id)
    if accepted is None:
        raise Problem(404, "Job not found", kind="job-not-found")
    created = accepted["created_at"] or datetime.now(UTC)
    return StoredJob(ACCEPTED_VERSION, JobView(job_id=job_id, tenant_id=tenant_id, status="queued", stage="queued",
                                               progress=JobProgress(percent=0), filename=accepted["filename"],
                                               created_at=created, updated_at=created))
