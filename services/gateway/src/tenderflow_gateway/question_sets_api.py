"""Public API for a tenant's question sets, served by the questions service."""

from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Response
from pydantic import Field

from tenderflow_common.contracts.questions import QuestionSetBody, QuestionSetList, QuestionSetView
from tenderflow_common.problems import Problem
from tenderflow_gateway.auth import Authenticate
from tenderflow_gateway.clients import Clients, segment

SetName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$", examples=["framework-checks"])]


class NewQuestionSet(QuestionSetBody):
    """A set to create."""

    name: SetName


def _passed_on(response: httpx.Response) -> None:
    """Give the client the owning service's 4xx problem as it is."""
    if response.status_code >= 400:
        body = response.json()
        raise Problem(response.status_code, body.get("title", "Request failed"), body.get("detail"),
                      kind=body.get("type", "").rsplit(":", 1)[-1] or None)


def question_sets_router(clients: Clients, authenticate: Authenticate) -> APIRouter:
    router = APIRouter(prefix="/v1/question-sets", tags=["question sets"])
    CurrentTenant = Annotated[str, Depends(authenticate)]

    @router.get("", response_model=QuestionSetList)
    async def list_sets(tenant_id: CurrentTenant) -> QuestionSetList:
        """The builtin default set and the tenant's own sets."""
        response = await clients.questions.get("/internal/question-sets", tenant_id=tenant_id)
        _passed_on(response)
        return QuestionSetList.model_validate_json(response.content)

    @router.post("", status_code=201, response_model=QuestionSetView)
    async def create_set(body: NewQuestionSet, tenant_id: CurrentTenant) -> QuestionSetView:
        """Create a set; 409 if the name is taken."""
        existing = await clients.questions.get(f"/internal/question-sets/{segment(body.name)}", tenant_id=tenant_id)
        if existing.status_code == 200:
            raise Problem(409, "Question set already exists", f"Use PUT /v1/question-sets/{body.name} to change it.",
                          kind="question-set-exists")
        response = await clients.questions.put(f"/internal/question-sets/{segment(body.name)}",
                                               json=QuestionSetBody(**body.model_dump(exclude={"name"}))
                                               .model_dump(mode="json"), tenant_id=tenant_id)
        _passed_on(response)
        return QuestionSetView.model_validate_json(response.content)

    @router.get("/{name}", response_model=QuestionSetView)
    async def get_set(name: str, tenant_id: CurrentTenant) -> QuestionSetView:
        response = await clients.questions.get(f"/internal/question-sets/{segment(name)}", tenant_id=tenant_id)
        _passed_on(response)
        return QuestionSetView.model_validate_json(response.content)

    @router.put("/{name}", response_model=QuestionSetView)
    async def replace_set(name: SetName, body: QuestionSetBody, tenant_id: CurrentTenant) -> QuestionSetView:
        """Create or replace a set's questions and sampling."""
        response = await clients.questions.put(f"/internal/question-sets/{segment(name)}",
                                               json=body.model_dump(mode="json"), tenant_id=tenant_id)
        _passed_on(response)
        return QuestionSetView.model_validate_json(response.content)

    @router.delete("/{name}", status_code=204)
    async def delete_set(name: str, tenant_id: CurrentTenant) -> Response:
        response = await clients.questions.delete(f"/internal/question-sets/{segment(name)}", tenant_id=tenant_id)
        _passed_on(response)
        return Response(status_code=204)

    return router
