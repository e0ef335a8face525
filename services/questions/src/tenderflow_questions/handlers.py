"""Use cases driven by messages: start a run once documents are indexed or a workspace is asked again, note
cancellations."""

from collections.abc import Callable

from tenderflow_common import failures
from tenderflow_common.contracts.jobs import JobCancelRequested
from tenderflow_common.contracts.questions import RunFailed, RunQuestions, RunStarted
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.workspace import DocumentsIndexed
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_questions import question_sets, repository, workspace_deletion
from tenderflow_questions.providers import Providers, UnknownModel
from tenderflow_questions.repository import RunTask

SOURCE = "tenderflow/questions"
WORKSPACE_DELETED = "The questions could not be run: their workspace was deleted."


async def start_run(event: DocumentsIndexed, envelope: Envelope, uow: UnitOfWork, *, providers: Providers,
                    wake_runner: Callable[[], None]) -> None:
    """Record a pending run with its resolved questions; the runner answers them after commit."""
    await _open_run(event.request, event.workspace_id, event.package_id, envelope, uow, providers, wake_runner)


async def run_questions(command: RunQuestions, envelope: Envelope, uow: UnitOfWork, *, providers: Providers,
                        wake_runner: Callable[[], None]) -> None:
    """Answer questions again over every document the workspace holds; nothing is ingested or indexed."""
    await _open_run(command.request, command.workspace_id, None, envelope, uow, providers, wake_runner)


async def _open_run(request: JobRequest, workspace_id: str, package_id: str | None, envelope: Envelope,
                    uow: UnitOfWork, providers: Providers, wake_runner: Callable[[], None]) -> None:
    if await repository.run_exists(uow.session, envelope.jobid):
        return
    run_id = stable_id(envelope.jobid, "run")
    deleted_at = await workspace_deletion.last_deleted(uow.session, envelope.tenantid, workspace_id)
    if deleted_at is not None and envelope.time <= deleted_at:
        # Asked before the workspace was deleted, delivered after: the run would search nothing and stay behind.
        await uow.emit(envelope.follow(RunFailed(run_id=run_id, reason=WORKSPACE_DELETED, code=failures.RUN_REFUSED),
                                       source=SOURCE, message_id=stable_id(run_id, "failed")))
        return
    try:
        for model in request.models:
            providers.for_model(model)
        chosen = await question_sets.resolve(uow.session, envelope.tenantid, request)
    except (UnknownModel, question_sets.UnknownQuestionSet) as error:
        await uow.emit(envelope.follow(RunFailed(run_id=run_id, reason=str(error), code=failures.RUN_REFUSED),
                                       source=SOURCE, message_id=stable_id(run_id, "failed")))
        return
    await repository.add_run(uow.session, RunTask(
        id=run_id, job_id=envelope.jobid, tenant_id=envelope.tenantid, correlation_id=envelope.correlationid,
        causation_id=envelope.id, workspace_id=workspace_id, package_id=package_id, model=request.model,
        questions=chosen.questions, temperature=chosen.temperature, max_tokens=chosen.max_tokens,
        token_budget=request.token_budget, compare_with=[m for m in request.models if m != request.model],
    ))
    await uow.emit(envelope.follow(
        RunStarted(run_id=run_id, workspace_id=workspace_id, model=request.model,
                   questions=len(chosen.questions) * len(request.models)),
        source=SOURCE, message_id=stable_id(run_id, "started"),
    ))
    uow.after_commit(wake_runner)


async def job_cancel_requested(event: JobCancelRequested, envelope: Envelope, uow: UnitOfWork) -> None:
    """Flag the job's run; the runner stops before its next question."""
    await repository.request_cancel(uow.session, envelope.jobid)


async def run_failed(message: DocumentsIndexed | RunQuestions, envelope: Envelope, uow: UnitOfWork,
                     reason: str) -> None:
    """The message that starts a run was dead-lettered: end its job with the reason rather than leave it
    answering."""
    run_id = stable_id(envelope.jobid, "run")
    await uow.emit(envelope.follow(RunFailed(run_id=run_id, reason=f"The questions could not be run: {reason}",
                                             code=failures.RUN_REFUSED),
                                   source=SOURCE, message_id=stable_id(run_id, "failed")))
