"""Internal query API: search a workspace (used by the questions service)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tenderflow_common.contracts.workspace import SearchQuery, SearchResult
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import require_internal_token
from tenderflow_common.problems import Problem
from tenderflow_workspace import repository
from tenderflow_workspace.search import IndexCache


def internal_router(database: Database, internal_token: str, indexes: IndexCache) -> APIRouter:
    router = APIRouter(prefix="/internal", tags=["internal"],
                       dependencies=[Depends(require_internal_token(internal_token))])

    @router.post("/workspaces/{workspace_id}/search", response_model=SearchResult)
    async def search(workspace_id: str, query: SearchQuery,
                     tenant_id: Annotated[str, Query(min_length=1)]) -> SearchResult:
        """Best passages for a query, optionally limited to one package and some document types."""
        async with database.sessions() as session:
            workspace = await repository.workspace_for_tenant(session, workspace_id, tenant_id)
        if workspace is None:
            raise Problem(404, "Workspace not found", kind="workspace-not-found")
        return SearchResult(passages=await indexes.search(workspace_id, query))

    return router
