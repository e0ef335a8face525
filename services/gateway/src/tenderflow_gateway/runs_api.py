"""`POST /v1/workspaces/{id}/runs`: ask a workspace's documents new questions, or other models, without uploading
them again. The job only answers; it is followed, cancelled and exported like an upload's."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tenderflow_common.contracts.questions import RunQuestions
from tenderflow_common.contracts.shared import DEFAULT_MODEL, JobRequest, QuestionSpec
from tenderflow_common.contracts.workspace import WorkspaceView
from tenderflow_common.endpoints import Database
from tenderflow_common.envelope import Envelope, new_id
from tenderflow_common.problems import Problem
from tenderflow_gateway import repository
from tenderflow_gateway.api import SOURCE, Accepted, job_links
from tenderflow_gateway.auth import Authenticate
from tenderflow_gateway.clients import Clients, segment
from tenderflow_gateway.models_offered import OfferedProviders
from tenderflow_gateway.upload_docs import UPLOAD_PROBLEMS

Model = Annotated[str, Field(min_length=1, max_length=200)]


PROBLEM = UPLOAD_PROBLEMS[401]["content"]
RUN_PROBLEMS = {
    401: UPLOAD_PROBLEMS[401],
    404: {"description": "No workspace of the caller's tenant has this id", "content": PROBLEM},
    422: {"description": "Both `questions` and `question_set`, a duplicate question id, an invalid field, or a "
                         "model provider this installation does not offer", "content": PROBLEM},
}


class RunBody(BaseModel):
    """What to ask; what it leaves out, the workspace's settings (or the installation's defaults) decide."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"questions": ["Who is the contracting authority?",
                       {"id": "deadline", "text": "When are bids due?", "document_types": ["pdf"]}],
         "model": ["extractive:default", "hybrid:openai:gpt-4o-mini"]},
        {"question_set": "framework-checks", "model": "extractive:default"},
    ]})

    questions: list[QuestionSpec | Annotated[str, Field(min_length=1, max_length=2000)]] | None = Field(
        default=None, min_length=1, max_length=500,
        description="Questions as plain texts (their ids are `q1`, `q2`, ... by position) or as `{id, text, "
                    "expected_fragments?, document_types?}`; not together with `question_set`.")
    question_set: str | None = Field(default=None, max_length=100, description="A saved question set; without "
                                     "it or `questions`, the workspace's set, else the builtin default.")
    model: Model | list[Model] | None = Field(default=None, examples=[DEFAULT_MODEL], description="`provider:model` "
                                              "to answer with, or several (a list, or comma-separated) to compare "
                                              "them; the first is the job's model. Without it, the workspace's "
                                              f"model, else `{DEFAULT_MODEL}`.")
    temperature: float | None = Field(default=None, ge=0, le=2, description="Sampling temperature for a model.")
    max_tokens: int | None = Field(default=None, ge=16, le=8192,
                                   description="Completion tokens per question for a model.")
    token_budget: int | None = Field(default=None, ge=1, le=100_000_000,
                                     description="Tokens the whole job may spend on a model.")

    def job_request(self, workspace: WorkspaceView) -> JobRequest:
        """The job request this body asks for in the workspace; Problem 422 when it is not one."""
        if self.questions is not None and self.question_set is not None:
            raise Problem(422, "Choose questions or a question set", "Send `questions` or `question_set`, not both.",
                          kind="validation")
        model = self.model or workspace.settings.model or DEFAULT_MODEL
        models = model if isinstance(model, list) else model.split(",")
        first, *others = [name.strip() for name in models if name.strip()] or [""]
        fields = self.model_dump(include={"temperature", "max_tokens", "token_budget"}, exclude_none=True)
        if self.questions is not None:
            fields["questions"] = _question_specs(self.questions)
        else:
            fields["question_set"] = self.question_set or workspace.settings.question_set
        try:
            return JobRequest(workspace=workspace.name, model=first, compare_with=others, **fields)
        except ValidationError as error:
            problem = error.errors()[0]
            raise Problem(422, "Invalid request", f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}",
                          kind="validation") from error


def _question_specs(questions: list[QuestionSpec | str]) -> list[QuestionSpec]:
    specs = [QuestionSpec(id=f"q{position}", text=question) if isinstance(question, str) else question
             for position, question in enumerate(questions, start=1)]
    ids = [spec.id for spec in specs]
    if len(set(ids)) != len(ids):
        raise Problem(422, "Invalid questions", "question ids must be unique", kind="validation")
    return specs


def runs_router(database: Database, clients: Clients, authenticate: Authenticate,
                offered: OfferedProviders) -> APIRouter:
    """Runs over a workspace the caller's tenant owns."""
    router = APIRouter(prefix="/v1/workspaces", tags=["workspaces"])
    CurrentTenant = Annotated[str, Depends(authenticate)]
    UnitOfWork = database.unit_of_work()

    @router.post("/{workspace_id}/runs", status_code=202, response_model=Accepted, responses=RUN_PROBLEMS)
    async def start_run(workspace_id: str, body: RunBody, tenant_id: CurrentTenant,
                        uow: UnitOfWork) -> JSONResponse:
        """Answer questions over every document the workspace holds now; follow the job at `Location`."""
        found = await clients.workspace.get(f"/internal/workspaces/{segment(workspace_id)}", tenant_id=tenant_id)
        if found.status_code != 200:
            raise Problem(404, "Workspace not found", kind="workspace-not-found")
        workspace = WorkspaceView.model_validate_json(found.content)
        request = body.job_request(workspace)
        for model in request.models:
            await offered.check(model)
        job_id = new_id()
        await repository.record_submission(uow.session, job_id, tenant_id, "")
        await uow.emit(Envelope.wrap(RunQuestions(workspace_id=workspace.id, request=request), source=SOURCE,
                                     tenant_id=tenant_id, job_id=job_id, subject=workspace.name))
        accepted = Accepted(job_id=job_id, status="queued", links=job_links(job_id))
        return JSONResponse(accepted.model_dump(), status_code=202, headers={"Location": f"/v1/jobs/{job_id}"})

    return router
