"""Internal query API: a job's answers (read by the gateway)."""

from fastapi import APIRouter

from tenderflow_common.contracts.questions import JobResults, ProviderList
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ
from tenderflow_common.problems import Problem
from tenderflow_questions import repository
from tenderflow_questions.comparison import compare
from tenderflow_questions.providers import Providers


def internal_router(database: Database, auth: InternalAuth, providers: Providers) -> APIRouter:
    """Answers for the tenant a gateway-signed token names, and the tenant-free provider list."""
    router = APIRouter(prefix="/internal", tags=["internal"])
    Tenant = auth.tenant(READ)

    @router.get("/jobs/{job_id}/results", response_model=JobResults)
    async def job_results(job_id: str, tenant_id: Tenant) -> JobResults:
        """Every stored answer of the job's run, in question order."""
        async with database.sessions() as session:
            rows = await repository.results_for_job(session, job_id, tenant_id)
        if rows is None:
            raise Problem(404, "No run for this job", kind="run-not-found")
        return JobResults(job_id=job_id, answers=rows, comparisons=compare(rows))

    @router.get("/providers", response_model=ProviderList, dependencies=[auth.require(READ)])
    async def list_providers() -> ProviderList:
        """The answer providers this installation offers; the gateway refuses uploads that name another."""
        return ProviderList(providers=providers.names)

    return router
