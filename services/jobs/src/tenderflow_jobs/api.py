"""Internal query API: jobs for one tenant, read by the gateway."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from tenderflow_common.contracts.jobs import JobPage, JobView
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ
from tenderflow_common.problems import Problem
from tenderflow_jobs import projection, repository


def internal_router(database: Database, auth: InternalAuth) -> APIRouter:
    """Routes for the tenant a gateway-signed token names."""
    router = APIRouter(prefix="/internal", tags=["internal"])
    Tenant = auth.tenant(READ)

    @router.get("/jobs/{job_id}", response_model=JobView)
    async def get_job(job_id: str, tenant_id: Tenant) -> JobView:
        async with database.sessions() as session:
            state = await repository.for_tenant(session, tenant_id, job_id)
        if state is None:
            raise Problem(404, "Job not found", kind="job-not-found")
        return projection.view(state, datetime.now(UTC))

    @router.get("/jobs", response_model=JobPage)
    async def list_jobs(request: Request, tenant_id: Tenant,
                        status: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                        offset: Annotated[int, Query(ge=0)] = 0) -> JobPage:
        async with database.sessions() as session:
            states = await repository.list_for_tenant(session, tenant_id, status=status, limit=limit,
                                                      offset=offset)
        now = datetime.now(UTC)
        return JobPage(jobs=[projection.view(state, now) for state in states])

    return router
