"""The public /v1 API: upload a package, follow its job, fetch its results, cancel or delete it."""

import functools
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError

from tenderflow_common.contracts.ingest import IngestPackage
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES, CancelJob, JobPage, JobView, PurgeJob
from tenderflow_common.contracts.questions import JobResults
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.endpoints import Database
from tenderflow_common.envelope import Envelope, new_id
from tenderflow_common.problems import Problem
from tenderflow_common.storage import ObjectStore, tenant_key
from tenderflow_gateway import repository
from tenderflow_gateway.auth import Authenticate
from tenderflow_gateway.clients import Clients, segment
from tenderflow_gateway.domain import InvalidQuestions, parse_questions
from tenderflow_gateway.export import results_csv
from tenderflow_gateway.job_history import JOB_HISTORY_PROBLEMS, JobHistoryQuery, job_page
from tenderflow_gateway.job_lookup import stored_job
from tenderflow_gateway.job_polls import JobPoll, answered_by
from tenderflow_gateway.models_offered import OfferedProviders
from tenderflow_gateway.upload_docs import UPLOAD_PROBLEMS, UPLOAD_REQUEST_BODY
from tenderflow_gateway.uploads import check_declared_length, receive_upload

SOURCE = "tenderflow/gateway"


class Accepted(BaseModel):
    """The answer to an accepted upload, cancellation or deletion."""

    job_id: str
    status: str
    links: dict[str, str]


def job_links(job_id: str) -> dict[str, str]:
    """Where to follow a job."""
    base = f"/v1/jobs/{job_id}"
    return {"self": base, "results": f"{base}/results", "cancel": f"{base}/cancel"}


DELETE_JOB_RESPONSES = {
    202: {"description": "The purge is under way; the job reads `purged` within seconds",
          "content": {"application/json": {"example": {
              "job_id": "0b9f3c2e-5d41-4c8a-9a57-3f1f0d2b7c11", "status": "purging",
              "links": {"self": "/v1/jobs/0b9f3c2e-5d41-4c8a-9a57-3f1f0d2b7c11",
                        "results": "/v1/jobs/0b9f3c2e-5d41-4c8a-9a57-3f1f0d2b7c11/results",
                        "cancel": "/v1/jobs/0b9f3c2e-5d41-4c8a-9a57-3f1f0d2b7c11/cancel"}}}}},
    404: {"description": "No job of the caller's tenant has this id"},
    409: {"description": "The job is still queued or running; `?force=true` cancels it and deletes",
          "content": {"application/problem+json": {"example": {
              "type": "urn:tenderflow:problem:job-running", "title": "Job is still running", "status": 409,
              "detail": "Wait for it, cancel it, or delete with `?force=true`, which cancels it first.",
              "job_status": "running"}}}},
}


def public_router(database: Database, store: ObjectStore, clients: Clients, authenticate: Authenticate, *,
                  max_upload_bytes: int, offered: OfferedProviders, poll: JobPoll | None = None) -> APIRouter:
    """The tenant-facing routes; with `poll`, a job poll is answered by it (its cost spent and the job's view read
    in one Redis round trip), else by the jobs service through the route's dependencies."""
    router = APIRouter(prefix="/v1")
    CurrentTenant = Annotated[str, Depends(authenticate)]
    UnitOfWork = database.unit_of_work()

    @router.post("/documents", status_code=202, response_model=Accepted, tags=["documents"],
                 openapi_extra={"requestBody": UPLOAD_REQUEST_BODY}, responses=UPLOAD_PROBLEMS)
    async def upload_package(request: Request, tenant_id: CurrentTenant, uow: UnitOfWork) -> JSONResponse:
        """Stream the package into storage, then ask ingest to take it apart; follow the job at `Location`.

        The body is read as it arrives and never held whole: past the upload limit the request is refused
        with 413 at once, whatever Content-Length said."""
        check_declared_length(request.headers.get("content-length"), max_upload_bytes)
        job_id = new_id()
        key = tenant_key(tenant_id, "uploads", f"{job_id}.zip")
        upload = await receive_upload(request.stream(), request.headers.get("content-type"), store, key,
                                      max_upload_bytes, _job_request)
        stored, filename = upload.stored, (upload.filename or "package.zip")[:500]
        command = IngestPackage(package_key=stored.key, filename=filename, size=stored.size,
                                sha256=stored.sha256, request=upload.request)
        uow.on_rollback(functools.partial(store.delete, stored.key))
        for model in upload.request.models:
            await offered.check(model)
        await repository.record_submission(uow.session, job_id, tenant_id, filename)
        await uow.emit(Envelope.wrap(command, source=SOURCE, tenant_id=tenant_id, job_id=job_id, subject=filename))
        body = Accepted(job_id=job_id, status="queued", links=job_links(job_id))
        return JSONResponse(body.model_dump(), status_code=202, headers={"Location": f"/v1/jobs/{job_id}"})

    @router.get("/jobs", response_model=JobPage, tags=["jobs"], responses=JOB_HISTORY_PROBLEMS)
    async def list_jobs(tenant_id: CurrentTenant, query: Annotated[JobHistoryQuery, Query()]) -> JobPage:
        """The caller's jobs that match every filter given, newest first, with their total; pass `next_cursor`
        as `cursor` for the next page."""
        return await job_page(clients.jobs, tenant_id, query)

    async def get_job(job_id: str, tenant_id: CurrentTenant) -> JobView:
        """A job's status, stage, progress, ETA and per-file verdicts."""
        return await _job_view(job_id, tenant_id)

    # The route is declared here for the API's document; `poll`, when given, answers it without the dependencies.
    router.add_api_route("/jobs/{job_id}", get_job, response_model=JobView, tags=["jobs"], methods=["GET"],
                         route_class_override=answered_by(poll.answer) if poll is not None else None)

    @router.get("/jobs/{job_id}/results", tags=["jobs"],
                responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    async def get_results(job_id: str, tenant_id: CurrentTenant,
                          format: Literal["json", "csv"] = "json", bom: bool = False) -> Response:
        """One row per question: answer, confidence, fragment coverage and citations."""
        job = await _job_view(job_id, tenant_id)
        if job.status == "purged":
            raise Problem(404, "Results not found", "The job was purged.", kind="results-not-found")
        if job.status != "succeeded":
            raise Problem(409, "Results are not ready", f"The job is {job.status}.", kind="job-not-finished",
                          job_status=job.status)
        response = await clients.questions.get(f"/internal/jobs/{segment(job_id)}/results", tenant_id=tenant_id)
        if response.status_code == 404:
            raise Problem(404, "Results not found", kind="results-not-found")
        results = JobResults.model_validate_json(response.content)
        if format == "csv":
            return Response(results_csv(results, bom=bom), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'})
        return JSONResponse(results.model_dump(mode="json"))

    @router.post("/jobs/{job_id}/cancel", status_code=202, response_model=Accepted, tags=["jobs"])
    async def cancel_job(job_id: str, tenant_id: CurrentTenant, uow: UnitOfWork) -> Accepted:
        """Ask every service working on the job to stop; the job ends as `cancelled`."""
        job = await _job_view(job_id, tenant_id)
        if job.status in ("succeeded", "failed", "cancelled"):
            raise Problem(409, "Job already finished", f"The job is {job.status}.", kind="job-finished")
        await uow.emit(Envelope.wrap(CancelJob(), source=SOURCE, tenant_id=tenant_id, job_id=job_id))
        return Accepted(job_id=job_id, status="cancelling", links=job_links(job_id))

    @router.delete("/jobs/{job_id}", status_code=202, response_model=Accepted, tags=["jobs"],
                   responses=DELETE_JOB_RESPONSES)
    async def delete_job(job_id: str, tenant_id: CurrentTenant, uow: UnitOfWork, force: bool = False) -> Accepted:
        """Purge the job in every service: its upload, extracted text, indexed documents, answers and details.
        The job then reads `purged` and leaves the history. A job still at work is refused unless `force=true`,
        which cancels it first."""
        job = await _job_view(job_id, tenant_id)
        if job.status not in TERMINAL_STATUSES:
            if not force:
                raise Problem(409, "Job is still running", "Wait for it, cancel it, or delete with `?force=true`, "
                              "which cancels it first.", kind="job-running", job_status=job.status)
            await uow.emit(Envelope.wrap(CancelJob(reason="job deleted"), source=SOURCE, tenant_id=tenant_id,
                                         job_id=job_id))
        # The same key as the cancellation: the jobs service folds the purge after it.
        await uow.emit(Envelope.wrap(PurgeJob(), source=SOURCE, tenant_id=tenant_id, job_id=job_id))
        await repository.forget_submission(uow.session, job_id, tenant_id)
        return Accepted(job_id=job_id, status="purging", links=job_links(job_id))

    async def _job_view(job_id: str, tenant_id: str) -> JobView:
        return (await stored_job(clients, database, job_id, tenant_id)).view

    return router


def _job_request(form: dict[str, str]) -> JobRequest:
    """The job request the upload's form fields describe (empty fields were dropped while reading)."""
    fields: dict = {name: form[name] for name in ("workspace", "model", "question_set", "temperature", "max_tokens",
                                                  "token_budget") if name in form}
    if "model" in fields:
        # Several models, comma-separated, compare them: the first is the job's model.
        models = [model.strip() for model in fields["model"].split(",") if model.strip()]
        fields["model"], *compare_with = models or [""]
        if compare_with:
            fields["compare_with"] = compare_with
    questions = form.get("questions")
    if questions is not None:
        if "question_set" in fields:
            raise Problem(422, "Choose questions or a question set",
                          "Send `questions` or `question_set`, not both.", kind="validation")
        try:
            fields["questions"] = parse_questions(questions)
        except InvalidQuestions as error:
            raise Problem(422, "Invalid questions", str(error), kind="validation") from error
    try:
        return JobRequest(**fields)
    except ValidationError as error:
        first = error.errors()[0]
        raise Problem(422, "Invalid request", f"{'.'.join(map(str, first['loc']))}: {first['msg']}",
                      kind="validation") from error
