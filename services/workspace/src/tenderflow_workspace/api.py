"""Internal API: search a workspace (used by the questions service) and manage workspaces (used by the gateway)."""

import base64
from typing import Annotated

from fastapi import APIRouter, Query, Response

from tenderflow_common.anythingllm import AnythingLLMError
from tenderflow_common.contracts.workspace import (
    NewWorkspace,
    SearchQuery,
    SearchResult,
    WorkspaceChange,
    WorkspacePage,
    WorkspaceView,
)
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ, WRITE
from tenderflow_common.problems import Problem
from tenderflow_workspace import handlers, repository
from tenderflow_workspace.anythingllm import AnythingLLMBackend
from tenderflow_workspace.search import IndexCache


def internal_router(database: Database, auth: InternalAuth, indexes: IndexCache,
                    anythingllm: AnythingLLMBackend | None = None) -> APIRouter:
    """Routes for the tenant a signed token names; its passages are the tenant's document text."""
    router = APIRouter(prefix="/internal", tags=["internal"])
    Reader, Writer = auth.tenant(READ), auth.tenant(WRITE)
    UnitOfWork = database.unit_of_work()

    async def owned(workspace_id: str, tenant_id: str) -> dict:
        async with database.sessions() as session:
            workspace = await repository.workspace_for_tenant(session, workspace_id, tenant_id)
        if workspace is None:
            raise Problem(404, "Workspace not found", kind="workspace-not-found")
        return workspace

    @router.post("/workspaces/{workspace_id}/search", response_model=SearchResult)
    async def search(workspace_id: str, query: SearchQuery, tenant_id: Reader) -> SearchResult:
        """Best passages for a query, optionally limited to one package and some document types."""
        top_k = handlers.configuration(await owned(workspace_id, tenant_id)).top_k
        if top_k:  # the workspace's own retrieval depth wins over the caller's default
            query = query.model_copy(update={"top_k": top_k})
        return SearchResult(passages=await indexes.search(workspace_id, query))

    @router.get("/workspaces", response_model=WorkspacePage)
    async def list_workspaces(tenant_id: Reader, cursor: Annotated[str | None, Query(max_length=500)] = None,
                              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> WorkspacePage:
        """The tenant's workspaces by name, a page at a time."""
        async with database.sessions() as session:
            rows = await repository.list_workspaces(session, tenant_id, _after(cursor), limit + 1)
            views = await handlers.workspace_views(session, rows[:limit])
        more = len(rows) > limit
        return WorkspacePage(workspaces=views, next_cursor=_cursor(views[-1].name) if more else None)

    @router.post("/workspaces", status_code=201, response_model=WorkspaceView)
    async def create_workspace(new: NewWorkspace, tenant_id: Writer, uow: UnitOfWork) -> WorkspaceView:
        """Create a workspace; 409 when the name is taken."""
        if new.backend == "anythingllm" and anythingllm is None:
            raise Problem(422, "Backend not available", "No AnythingLLM server is configured for this "
                          "installation.", kind="backend-unavailable")
        try:
            workspace = await handlers.create_workspace(uow, tenant_id, new)
        except handlers.WorkspaceExists as error:
            raise Problem(409, "Workspace already exists", f"A workspace named {new.name} exists.",
                          kind="workspace-exists") from error
        return await handlers.workspace_view(uow.session, workspace)

    @router.get("/workspaces/{workspace_id}", response_model=WorkspaceView)
    async def get_workspace(workspace_id: str, tenant_id: Reader) -> WorkspaceView:
        workspace = await owned(workspace_id, tenant_id)
        async with database.sessions() as session:
            return await handlers.workspace_view(session, workspace)

    @router.patch("/workspaces/{workspace_id}", response_model=WorkspaceView)
    async def change_workspace(workspace_id: str, change: WorkspaceChange, tenant_id: Writer,
                               uow: UnitOfWork) -> WorkspaceView:
        """Merge a settings patch; the anythingllm backend pushes its part on the workspace's next sync."""
        workspace = await repository.workspace_for_tenant(uow.session, workspace_id, tenant_id)
        if workspace is None:
            raise Problem(404, "Workspace not found", kind="workspace-not-found")
        await handlers.change_settings(uow, workspace, change)
        return await handlers.workspace_view(uow.session, await repository.workspace_by_id(uow.session,
                                                                                          workspace_id))

    @router.delete("/workspaces/{workspace_id}", status_code=204)
    async def delete_workspace(workspace_id: str, tenant_id: Writer, uow: UnitOfWork) -> Response:
        """Delete the workspace, its AnythingLLM workspace first when it has one; other services follow the
        `WorkspaceDeleted` event."""
        workspace = await owned(workspace_id, tenant_id)
        if workspace["backend"] == "anythingllm" and anythingllm is not None:
            try:
                await anythingllm.delete_workspace(workspace_id)
            except AnythingLLMError as error:
                raise Problem(503, "AnythingLLM unavailable", "The workspace's AnythingLLM workspace could not be "
                              "deleted; try again shortly.", kind="backend-unavailable") from error
        await handlers.delete_workspace(uow, workspace)
        return Response(status_code=204)

    return router


def _cursor(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")


def _after(cursor: str | None) -> str | None:
    """The name a cursor stands for; a cursor that is not one of ours is a 422, not a 500."""
    if cursor is None:
        return None
    try:
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
    except ValueError as error:  # not base64, not ASCII, or not UTF-8 once decoded
        raise Problem(422, "Invalid cursor", "Pass back a `next_cursor` as it was given.",
                      kind="validation") from error
