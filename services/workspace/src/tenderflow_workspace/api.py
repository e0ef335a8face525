"""Internal query API: search a workspace (used by the questions service)."""

from fastapi import APIRouter

from tenderflow_common.contracts.workspace import SearchQuery, SearchResult
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ
from tenderflow_common.problems import Problem
from tenderflow_workspace import repository
from tenderflow_workspace.search import IndexCache


def internal_router(database: Database, auth: InternalAuth, indexes: IndexCache) -> APIRouter:
    """Search for the tenant a signed token names; its passages are the tenant's document text."""
    router = APIRouter(prefix="/internal", tags=["internal"])
    Tenant = auth.tenant(READ)

    @router.post("/workspaces/{workspace_id}/search", response_model=SearchResult)
    async def search(workspace_id: str, query: SearchQuery, tenant_id: Tenant) -> SearchResult:
        """Best passages for a query, optionally limited to one package and some document types."""
        async with database.sessions() as session:
            workspace = await repository.workspace_for_tenant(session, workspace_id, tenant_id)
        if workspace is None:
            raise Problem(404, "Workspace not found", kind="workspace-not-found")
        return SearchResult(passages=await indexes.search(workspace_id, query))

    return router
