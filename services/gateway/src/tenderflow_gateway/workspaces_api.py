"""Public API for a tenant's workspaces, owned by the workspace service.

Deleting a workspace deletes everything of it in every service; while a job still works in it the deletion is
refused, unless the client forces it, which cancels those jobs first."""

from datetime import datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, Body, Depends, Query, Response
from fastapi.responses import JSONResponse

from tenderflow_common.contracts.jobs import CancelJob, JobPage, JobStage, JobStatus, JobView
from tenderflow_common.contracts.shared import Strict
from tenderflow_common.contracts.workspace import NewWorkspace, WorkspaceChange, WorkspacePage, WorkspaceView
from tenderflow_common.endpoints import Database
from tenderflow_common.envelope import Envelope
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.problems import Problem
from tenderflow_gateway.api import SOURCE
from tenderflow_gateway.auth import Authenticate
from tenderflow_gateway.clients import Clients, segment

ACTIVE_STATUSES = ("queued", "running")


def _problems(**described: str) -> dict:
    """Each status (`_409`) a route answers with besides every route's, and what it means there."""
    return {int(code.strip("_")): {"description": text} for code, text in described.items()}


NOT_FOUND = "No workspace of the caller's tenant has this id"


class LastJob(Strict):
    """Where the last upload indexed into the workspace stands."""

    job_id: str
    status: JobStatus
    stage: JobStage
    updated_at: datetime


class WorkspaceDetails(WorkspaceView):
    """A workspace with its counts, indexing status, settings and last job."""

    last_job: LastJob | None = None


NEW_WORKSPACE_EXAMPLES = {
    "builtin": {"summary": "Builtin retrieval with a default question set",
                "value": {"name": "tenders-2026", "settings": {"question_set": "framework-checks", "top_k": 8}}},
    "anythingllm": {"summary": "Indexed into AnythingLLM, with its own retrieval settings",
                    "value": {"name": "harbour", "backend": "anythingllm",
                              "settings": {"model": "extractive:default",
                                           "anythingllm": {"top_n": 4, "similarity_threshold": 0.3}}}},
}
CHANGE_EXAMPLES = {
    "set": {"summary": "Set the default model and top-k", "value": {"settings": {"model": "openai:gpt-4o-mini",
                                                                              "top_k": 12}}},
    "clear": {"summary": "Clear the default question set", "value": {"settings": {"question_set": None}}},
}


def workspaces_router(database: Database, clients: Clients, authenticate: Authenticate) -> APIRouter:
    router = APIRouter(prefix="/v1/workspaces", tags=["workspaces"])
    CurrentTenant = Annotated[str, Depends(authenticate)]

    @router.get("", response_model=WorkspacePage, responses=_problems(_422="A cursor that was not given out"))
    async def list_workspaces(tenant_id: CurrentTenant,
                              cursor: Annotated[str | None, Query(max_length=500, pattern=r"^[A-Za-z0-9_-]+$")] = None,
                              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> WorkspacePage:
        """The caller's workspaces by name; pass `next_cursor` back as `cursor` for the next page."""
        params = {"tenant_id": tenant_id, "limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await clients.workspace.get("/internal/workspaces", **params)
        _passed_on(response)
        return WorkspacePage.model_validate_json(response.content)

    @router.post("", status_code=201, response_model=WorkspaceView,
                 responses=_problems(_409="A workspace of this name exists",
                                     _422="An invalid field, or the anythingllm backend where no AnythingLLM "
                                          "server is configured"))
    async def create_workspace(new: Annotated[NewWorkspace, Body(openapi_examples=NEW_WORKSPACE_EXAMPLES)],
                               tenant_id: CurrentTenant) -> JSONResponse:
        """Create a workspace; uploads then name it by its name or its id."""
        response = await clients.workspace.post("/internal/workspaces", json=new.model_dump(mode="json"),
                                                tenant_id=tenant_id)
        _passed_on(response)
        created = WorkspaceView.model_validate_json(response.content)
        return JSONResponse(created.model_dump(mode="json"), status_code=201,
                            headers={"Location": f"/v1/workspaces/{created.id}"})

    @router.get("/{workspace_id}", response_model=WorkspaceDetails, responses=_problems(_404=NOT_FOUND))
    async def get_workspace(workspace_id: str, tenant_id: CurrentTenant) -> WorkspaceDetails:
        """Backend, settings, document and chunk counts, indexing status and the last job."""
        workspace = await _workspace(clients.workspace, tenant_id, workspace_id)
        return WorkspaceDetails(**workspace.model_dump(), last_job=await _last_job(clients.jobs, tenant_id,
                                                                                   workspace.last_job_id))

    @router.patch("/{workspace_id}", response_model=WorkspaceView,
                  responses=_problems(_404=NOT_FOUND, _422="An invalid setting"))
    async def change_workspace(workspace_id: str, tenant_id: CurrentTenant,
                               change: Annotated[WorkspaceChange, Body(openapi_examples=CHANGE_EXAMPLES)]
                               ) -> WorkspaceView:
        """Change settings as a merge patch (RFC 7396): a field sent replaces, null clears, one left out stays.

        The anythingllm backend pushes its settings to AnythingLLM when it next indexes into the workspace."""
        response = await clients.workspace.patch(f"/internal/workspaces/{segment(workspace_id)}",
                                                 json=change.model_dump(mode="json", exclude_unset=True),
                                                 tenant_id=tenant_id)
        _passed_on(response)
        return WorkspaceView.model_validate_json(response.content)

    @router.delete("/{workspace_id}", status_code=204,
                   responses=_problems(_404=NOT_FOUND, _409="A job still works in the workspace (`jobs` names "
                                                            "them); `?force=true` cancels them and deletes"))
    async def delete_workspace(workspace_id: str, tenant_id: CurrentTenant, force: bool = False) -> Response:
        """Delete the workspace and everything of it in every service: documents, chunks, stored files, runs,
        answers and its AnythingLLM workspace. Job records stay, as history."""
        workspace = await _workspace(clients.workspace, tenant_id, workspace_id)
        active = await _active_jobs(clients.jobs, tenant_id, workspace)
        if active and not force:
            raise Problem(409, "Workspace has running jobs", "Wait for them, cancel them, or delete with "
                          "`?force=true`, which cancels them first.", kind="workspace-busy", jobs=active)
        if active:
            async with database.transaction() as uow:
                for job_id in active:
                    await uow.emit(Envelope.wrap(CancelJob(reason="workspace deleted"), source=SOURCE,
                                                 tenant_id=tenant_id, job_id=job_id))
        response = await clients.workspace.delete(f"/internal/workspaces/{segment(workspace.id)}",
                                                  tenant_id=tenant_id)
        _passed_on(response)
        return Response(status_code=204)

    return router


async def _workspace(workspace: InternalClient, tenant_id: str, workspace_id: str) -> WorkspaceView:
    response = await workspace.get(f"/internal/workspaces/{segment(workspace_id)}", tenant_id=tenant_id)
    _passed_on(response)
    return WorkspaceView.model_validate_json(response.content)


async def _last_job(jobs: InternalClient, tenant_id: str, job_id: str | None) -> LastJob | None:
    if job_id is None:
        return None
    response = await jobs.get(f"/internal/jobs/{segment(job_id)}", tenant_id=tenant_id)
    if response.status_code != 200:
        return None
    job = JobView.model_validate_json(response.content)
    return LastJob(job_id=job.job_id, status=job.status, stage=job.stage, updated_at=job.updated_at)


async def _active_jobs(jobs: InternalClient, tenant_id: str, workspace: WorkspaceView) -> list[str]:
    """Jobs queued or running in the workspace, whether their request named it by id or by name."""
    found: set[str] = set()
    for named in {workspace.id, workspace.name}:
        for status in ACTIVE_STATUSES:
            cursor: str | None = None
            while True:
                params = {"tenant_id": tenant_id, "workspace": named, "status": status, "limit": 200}
                response = await jobs.get("/internal/jobs", **params | ({"cursor": cursor} if cursor else {}))
                page = JobPage.model_validate_json(response.content)
                found.update(job.job_id for job in page.jobs)
                if not (cursor := page.next_cursor):
                    break
    return sorted(found)


def _passed_on(response: httpx.Response) -> None:
    """The workspace service's 4xx problem, as it is, for the client; its type's last segment is the kind."""
    if response.status_code < 400:
        return
    body = response.json()
    raise Problem(response.status_code, body.get("title", "Request failed"), body.get("detail"),
                  kind=body.get("type", "").rsplit(":", 1)[-1].rsplit("/", 1)[-1] or None)
