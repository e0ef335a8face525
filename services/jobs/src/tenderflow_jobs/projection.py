"""Folding commands and events into a job: pure functions, so replaying the topics rebuilds the same state."""

from dataclasses import dataclass, field, fields
from datetime import datetime

from tenderflow_common import failures
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES, JobFailure, JobProgress, JobView
from tenderflow_common.envelope import Envelope
from tenderflow_common.job_views import remaining_seconds
from tenderflow_common.messages import Message

STAGE_ORDER = ("queued", "ingesting", "indexing", "answering", "done")
STAGE_WEIGHTS = {"ingesting": 0.3, "indexing": 0.2, "answering": 0.5}


@dataclass(frozen=True)
class JobState:
    """Everything the projection remembers about one job."""

    job_id: str
    tenant_id: str
    created_at: datetime
    updated_at: datetime
    kind: str = "upload"
    status: str = "queued"
    stage: str = "queued"
    filename: str | None = None
    workspace: str | None = None
    workspace_id: str | None = None
    model: str | None = None
    files: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    files_total: int = 0
    files_accepted: int = 0
    files_rejected: int = 0
    documents_extracted: int = 0
    pages: int = 0
    chunks: int = 0
    questions_total: int = 0
    questions_answered: int = 0
    cancel_requested: bool = False
    finished_at: datetime | None = None
    ingested_at: datetime | None = None
    indexed_at: datetime | None = None
    answered_at: datetime | None = None
    # Messages folded so far: the order of the job's views, which the read model never lets go backwards.
    version: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES



_FIELDS = frozenset(f.name for f in fields(JobState))


def replace(state: JobState, **changes) -> JobState:
    """`dataclasses.replace` without running `__init__` again: folding copies a state per message, and this copy
    is about three times faster, which is most of what folding a message costs."""
    if not changes.keys() <= _FIELDS:
        raise TypeError(f"JobState has no field {sorted(changes.keys() - _FIELDS)}")
    copied = object.__new__(JobState)
    copied.__dict__.update(state.__dict__, **changes)
    return copied

def new_job(envelope: Envelope) -> JobState:
    """A job first seen through this message."""
    return JobState(job_id=envelope.jobid, tenant_id=envelope.tenantid, created_at=envelope.time,
                    updated_at=envelope.time)


def advance(state: JobState, stage: str) -> JobState:
    """Stages only move forward, whatever order messages from different topics arrive in."""
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(state.stage):
        return state
    return replace(state, stage=stage, status="running" if not state.terminal else state.status)


def finish(state: JobState, status: str, at: datetime, error: dict | None = None) -> JobState:
    """The first terminal status wins; later messages cannot revive or re-fail a job."""
    if state.terminal:
        return state
    errors = [*state.errors, error] if error else state.errors
    stage = "done" if status == "succeeded" else state.stage
    return replace(state, status=status, stage=stage, errors=errors, finished_at=at)


def succeed_when_complete(state: JobState) -> JobState:
    """A job succeeds once its package's final verdicts, its index counts and its last answer are all folded, in
    whatever order: they travel on different topics, and a finished job must never have facts still to come.
    A run over a workspace has only answers to wait for."""
    if state.kind == "run":
        completions = (state.answered_at,)
    else:
        completions = (state.ingested_at, state.indexed_at, state.answered_at)
    if any(at is None for at in completions):
        return state
    return finish(state, "succeeded", max(completions))


def apply(state: JobState, message: Message, envelope: Envelope) -> JobState:
    """The job after one more message."""
    if state.status == "purged":
        return state  # nothing of a purged job comes back, whatever arrives late
    idle_since = state.updated_at
    state = replace(state, updated_at=max(state.updated_at, envelope.time), version=state.version + 1)
    at = envelope.time
    match message:
        case ingest.IngestPackage():
            return replace(state, filename=message.filename, workspace=message.request.workspace,
                           model=message.request.model, created_at=min(state.created_at, at))
        case ingest.PackageAccepted():
            state = _with_files(advance(state, "ingesting"), message.files)
            return state
        case ingest.DocumentExtracted():
            return replace(state, documents_extracted=state.documents_extracted + 1,
                           pages=state.pages + message.pages)
        case ingest.PackageRejected():
            return finish(_with_files(state, message.files), "failed", at,
                          job_error(failures.PACKAGE_REJECTED, message.reason, envelope))
        case ingest.PackageIngested():
            state = advance(_with_files(state, message.files) if message.files else state, "indexing")
            return succeed_when_complete(replace(state, ingested_at=at))
        case ingest.PackageFailed():
            return _stopped(state, message, failures.EXTRACTION_FAILED, envelope)
        case workspace.DocumentsIndexed():
            # An upload may name its workspace by id: from here on the job shows the name.
            return succeed_when_complete(replace(advance(state, "answering"), chunks=message.chunks, indexed_at=at,
                                                 workspace=message.workspace, workspace_id=message.workspace_id))
        case workspace.IndexingFailed():
            # The workspace words every indexing failure itself; AnythingLLM's texts stay in its logs.
            return finish(state, "failed", at, job_error(failures.INDEXING_FAILED, message.reason, envelope))
        case questions.RunQuestions():
            # Its answers travel on another topic and may have been folded already.
            return succeed_when_complete(replace(
                state, kind="run", workspace=message.request.workspace, workspace_id=message.workspace_id,
                model=message.request.model, created_at=min(state.created_at, at)))
        case questions.RunStarted():
            return replace(advance(state, "answering"), questions_total=message.questions,
                           workspace_id=message.workspace_id)
        case questions.AnswerRecorded():
            answered = state.questions_answered + 1
            if state.questions_total:
                answered = min(answered, state.questions_total)
            return replace(state, questions_answered=answered)
        case questions.RunCompleted():
            state = replace(state, questions_total=message.questions, questions_answered=message.questions,
                            answered_at=at)
            return succeed_when_complete(state)
        case questions.RunFailed():
            return _stopped(state, message, failures.ANSWERING_FAILED, envelope)
        case jobs.PurgeJob() | jobs.JobPurged():
            return purged(state, at)
        case jobs.CancelJob():
            if state.terminal:
                return state
            return finish(replace(state, cancel_requested=True), "cancelled", at,
                          job_error(failures.CANCELLED, message.reason, envelope))
        case jobs.JobStalled():
            # A message newer than the one the sweep saw means the job moved after all.
            if idle_since > message.idle_since:
                return state
            return finish(state, "failed", at, job_error(failures.STALLED, stalled_sentence(message), envelope))
    return state


def stalled_sentence(message: jobs.JobStalled) -> str:
    """What the tenant reads: how long nothing happened and in which stage; the stage also stays on the view."""
    seconds = message.stall_seconds
    quiet = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
    return f"The job made no progress for {quiet} while {message.stage} and was stopped."


def purged(state: JobState, at: datetime) -> JobState:
    """What stays of a purged job: its id, tenant, kind and times, so the API can say `purged` and late messages
    cannot bring it back; every name, file, count and error goes."""
    return JobState(job_id=state.job_id, tenant_id=state.tenant_id, created_at=state.created_at,
                    updated_at=state.updated_at, kind=state.kind, status="purged", stage=state.stage,
                    finished_at=state.finished_at or at, version=state.version)


def job_error(code: str, message: str, envelope: Envelope) -> dict:
    """A job error as stored: the correlation id is the one the services logged the details under."""
    return {"code": code, "message": message, "correlation_id": envelope.correlationid}


def _stopped(state: JobState, message: ingest.PackageFailed | questions.RunFailed, unexpected: str,
             envelope: Envelope) -> JobState:
    """A stage ended early: cancelled, refused on purpose (its reason is for the tenant), or by an error whose
    text may hold SQL, URLs or host names, so only its code and our own sentence are kept."""
    if message.cancelled:
        return finish(state, "cancelled", envelope.time,
                      job_error(failures.CANCELLED, failures.MESSAGES[failures.CANCELLED], envelope))
    if message.code is not None:
        return finish(state, "failed", envelope.time, job_error(message.code, message.reason, envelope))
    return finish(state, "failed", envelope.time, job_error(unexpected, failures.MESSAGES[unexpected], envelope))


def _job_failure(error: dict | str) -> JobFailure:
    """Errors stored before they had codes were raw texts: they are never shown."""
    if isinstance(error, str):
        return JobFailure(code=failures.INTERNAL_ERROR, message=failures.MESSAGES[failures.INTERNAL_ERROR],
                          correlation_id="")
    return JobFailure.model_validate(error)


def _with_files(state: JobState, files: list) -> JobState:
    verdicts = [verdict.model_dump(mode="json") for verdict in files]
    accepted = sum(1 for verdict in files if verdict.accepted)
    return replace(state, files=verdicts, files_total=len(files), files_accepted=accepted,
                   files_rejected=len(files) - accepted)


def percent_done(state: JobState) -> float:
    """Weighted progress: ingesting 30%, indexing 20%, answering 50%; a run over a workspace only answers."""
    if state.status == "succeeded":
        return 100.0
    if state.kind == "run":
        return round(100.0 * state.questions_answered / state.questions_total, 1) if state.questions_total else 0.0
    done = 0.0
    if state.stage in ("indexing", "answering", "done"):
        done += STAGE_WEIGHTS["ingesting"]
    elif state.stage == "ingesting" and state.files_accepted:
        done += STAGE_WEIGHTS["ingesting"] * min(1.0, state.documents_extracted / state.files_accepted)
    if state.stage in ("answering", "done"):
        done += STAGE_WEIGHTS["indexing"]
        if state.questions_total:
            done += STAGE_WEIGHTS["answering"] * state.questions_answered / state.questions_total
    return round(100.0 * done, 1)


def eta_seconds(state: JobState, now: datetime) -> float | None:
    """Remaining time if the rate so far holds (the gateway recomputes it the same way for a stored view)."""
    return remaining_seconds(percent_done(state), state.created_at, state.terminal, now)


def view(state: JobState, now: datetime) -> JobView:
    """The client-facing shape of a job."""
    progress = JobProgress(
        percent=percent_done(state), files_total=state.files_total, files_accepted=state.files_accepted,
        files_rejected=state.files_rejected, documents_extracted=state.documents_extracted, pages=state.pages,
        chunks=state.chunks, questions_total=state.questions_total,
        questions_answered=state.questions_answered,
    )
    return JobView(
        job_id=state.job_id, tenant_id=state.tenant_id, kind=state.kind, status=state.status, stage=state.stage,
        progress=progress, eta_seconds=eta_seconds(state, now), files=state.files,
        errors=[_job_failure(error).message for error in state.errors],
        failure=_job_failure(state.errors[-1]) if state.errors else None,
        filename=state.filename, workspace=state.workspace, workspace_id=state.workspace_id,
        model=state.model, created_at=state.created_at,
        updated_at=state.updated_at, finished_at=state.finished_at,
    )
