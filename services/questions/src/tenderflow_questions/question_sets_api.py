"""Internal API for question sets: the tenant's own sets beside the builtin default."""

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import Field

from tenderflow_common.contracts.questions import QuestionSetBody, QuestionSetList, QuestionSetView
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import READ, WRITE
from tenderflow_common.problems import Problem
from tenderflow_questions import repository
from tenderflow_questions.question_sets import DEFAULT_SET_NAME, default_questions

SetName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")]


def builtin_set() -> QuestionSetView:
    return QuestionSetView(name=DEFAULT_SET_NAME, questions=default_questions(), builtin=True)


def question_sets_router(database: Database, auth: InternalAuth) -> APIRouter:
    """A tenant's question sets, the tenant named by a gateway-signed token; changing one needs the write scope."""
    router = APIRouter(prefix="/internal/question-sets", tags=["internal"])
    Tenant, Writer = auth.tenant(READ), auth.tenant(WRITE)
    UnitOfWork = database.unit_of_work()

    @router.get("", response_model=QuestionSetList)
    async def list_sets(tenant_id: Tenant) -> QuestionSetList:
        async with database.sessions() as session:
            own = await repository.list_question_sets(session, tenant_id)
        return QuestionSetList(question_sets=[builtin_set(), *own])

    @router.get("/{name}", response_model=QuestionSetView)
    async def get_set(name: str, tenant_id: Tenant) -> QuestionSetView:
        if name == DEFAULT_SET_NAME:
            return builtin_set()
        async with database.sessions() as session:
            found = await repository.question_set(session, tenant_id, name)
        if found is None:
            raise Problem(404, "Question set not found", kind="question-set-not-found")
        return found

    @router.put("/{name}", response_model=QuestionSetView)
    async def put_set(name: SetName, body: QuestionSetBody, tenant_id: Writer, response: Response,
                      uow: UnitOfWork) -> QuestionSetView:
        if name == DEFAULT_SET_NAME:
            raise Problem(409, "The builtin set cannot be changed", kind="question-set-builtin")
        ids = [q.id for q in body.questions]
        if len(set(ids)) != len(ids):
            raise Problem(422, "Question ids must be unique", kind="validation")
        created = await repository.save_question_set(uow.session, tenant_id, name, body)
        response.status_code = 201 if created else 200
        return QuestionSetView(name=name, **body.model_dump())

    @router.delete("/{name}", status_code=204)
    async def delete_set(name: str, tenant_id: Writer, uow: UnitOfWork) -> Response:
        if name == DEFAULT_SET_NAME:
            raise Problem(409, "The builtin set cannot be deleted", kind="question-set-builtin")
        deleted = await repository.delete_question_set(uow.session, tenant_id, name)
        if not deleted:
            raise Problem(404, "Question set not found", kind="question-set-not-found")
        return Response(status_code=204)

    return router
