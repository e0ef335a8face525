"""Internal query API: jobs for one tenant, read by the gateway."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from tenderflow_common.contracts.jobs import JobKind, JobPage, JobView, ListedStatus
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ
from tenderflow_common.job_views import VERSION_HEADER
from tenderflow_common.problems import Problem
from tenderflow_jobs import history, projection, repository
from tenderflow_jobs.read_model import JobViews


def internal_router(database: Database, auth: InternalAuth, views: JobViews | None = None) -> APIRouter:
    """Routes for the tenant a gateway-signed token names."""
    router = APIRouter(prefix="/internal", tags=["internal"])
    Tenant = auth.tenant(READ)

    @router.get("/jobs/{job_id}", response_model=JobView)
    async def get_job(job_id: str, tenant_id: Tenant, response: Response) -> JobView:
        async with database.sessions() as session:
            state = await repository.for_tenant(session, tenant_id, job_id)
        if state is None:
            raise Problem(404, "Job not found", kind="job-not-found")
        if views is not None:
            # The gateway asks only when Redis has no servable view: put the committed one back (if still newest).
            views.publish([state])
        response.headers[VERSION_HEADER] = str(state.version)
        return projection.view(state, datetime.now(UTC))

    @router.get("/jobs", response_model=JobPage)
    async def list_jobs(tenant_id: Tenant, status: ListedStatus | None = None, kind: JobKind | None = None,
                        workspace: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
                        created_after: AwareDatetime | None = None, created_before: AwareDatetime | None = None,
                        limit: Annotated[int, Query(ge=1, le=200)] = 50,
                        cursor: Annotated[str | None, Query(max_length=500)] = None) -> JobPage:
        """The tenant's jobs that match every filter given, newest first, one page after `cursor`."""
        try:
            after = history.decode_cursor(cursor) if cursor else None
        except history.InvalidCursor as error:
            raise Problem(422, "Invalid cursor", str(error), kind="validation") from error
        filters = history.JobFilters(status=status, kind=kind, workspace=workspace, created_after=created_after,
                                     created_before=created_before)
        async with database.sessions() as session:
            found = await history.page(session, tenant_id, filters, limit=limit, after=after)
        now = datetime.now(UTC)
        return JobPage(jobs=[projection.view(state, now) for state in found.jobs], total=found.total,
                       next_cursor=history.encode_cursor(found.next_position) if found.next_position else None)

    return router
