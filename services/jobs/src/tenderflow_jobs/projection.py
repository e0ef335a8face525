"""Folding commands and events into a job: pure functions, so replaying the topics rebuilds the same state."""

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import TypeAdapter

from tenderflow_common import failures
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES, JobFailure, JobProgress, JobView
from tenderflow_common.contracts.shared import FileVerdict
from tenderflow_common.envelope import Envelope
from tenderflow_common.job_views import remaining_seconds
from tenderflow_common.messages import Message

STAGE_ORDER = ("queued", "ingesting", "indexing", "answering", "done")
STAGE_WEIGHTS = {"ingesting": 0.3, "indexing": 0.2, "answering": 0.5}
# A package's verdicts as stored, dumped in one call: one call per verdict was most of what folding them cost.
FILE_VERDICTS = TypeAdapter(list[FileVerdict])


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
    # Their ids: a message delivered again (by Kafka after a crash, by a relay after its own) is folded once.
    seen: frozenset[str] = frozenset()

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


class Draft:
    """A job while messages are folded into it, changed in place: a poll's messages for one job cost one copy of
    its state instead of one per message, which was most of what folding a message cost. `freeze` ends it."""

    def __init__(self, state: JobState) -> None:
        self.__dict__.update(state.__dict__)
        self.seen = set(state.seen)

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    def freeze(self) -> JobState:
        """The job as folded so far; later changes to this draft do not reach it."""
        frozen = object.__new__(JobState)
        frozen.__dict__.update(self.__dict__, seen=frozenset(self.seen))
        return frozen


def new_job(envelope: Envelope) -> JobState:
    """A job first seen through this message."""
    return JobState(job_id=envelope.jobid, tenant_id=envelope.tenantid, created_at=envelope.time,
                    updated_at=envelope.time)


def apply(state: JobState, message: Message, envelope: Envelope) -> JobState:
    """The job after one more message."""
    job = Draft(state)
    fold(job, message, envelope)
    return job.freeze()


def advance(job: Draft, stage: str) -> None:
    """Stages only move forward, whatever order messages from different topics arrive in."""
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(job.stage):
        return
    job.stage = stage
    if not job.terminal:
        job.status = "running"


def finish(job: Draft, status: str, at: datetime, error: dict | None = None) -> None:
    """The first terminal status wins; later messages cannot revive or re-fail a job."""
    if job.terminal:
        return
    if error:
        job.errors = [*job.errors, error]  # a new list: the stored state this draft was copied from keeps its own
    if status == "succeeded":
        job.stage = "done"
    job.status, job.finished_at = status, at


def succeed_when_complete(job: Draft) -> None:
    """A job succeeds once its package's final verdicts, its index counts and its last answer are all folded, in
    whatever order: they travel on different topics, and a finished job must never have facts still to come.
    A run over a workspace has only answers to wait for."""
    completions = (job.answered_at,) if job.kind == "run" else (job.ingested_at, job.indexed_at, job.answered_at)
    if any(at is None for at in completions):
        return
    finish(job, "succeeded", max(completions))


def fold(job: Draft, message: Message, envelope: Envelope) -> bool:
    """Fold one more message into the job, once however often it is delivered; False for one folded before."""
    if envelope.id in job.seen:
        return False
    job.seen.add(envelope.id)
    if job.status == "purged":
        return True  # nothing of a purged job comes back, whatever arrives late
    idle_since = job.updated_at
    at = envelope.time
    job.updated_at, job.version = max(job.updated_at, at), job.version + 1
    match message:  # a job's most frequent messages first: each case is an isinstance check
        case questions.AnswerRecorded():
            answered = job.questions_answered + 1
            job.questions_answered = min(answered, job.questions_total) if job.questions_total else answered
        case ingest.DocumentExtracted():
            job.documents_extracted += 1
            job.pages += message.pages
        case ingest.IngestPackage():
            job.filename, job.workspace, job.model = message.filename, message.request.workspace, message.request.model
            job.created_at = min(job.created_at, at)
        case ingest.PackageAccepted():
            advance(job, "ingesting")
            _with_files(job, message.files)
        case ingest.PackageRejected():
            _with_files(job, message.files)
            finish(job, "failed", at, job_error(failures.PACKAGE_REJECTED, message.reason, envelope))
        case ingest.PackageIngested():
            if message.files:
                _with_files(job, message.files)
            advance(job, "indexing")
            job.ingested_at = at
            succeed_when_complete(job)
        case ingest.PackageFailed():
            _stopped(job, message, failures.EXTRACTION_FAILED, envelope)
        case workspace.DocumentsIndexed():
            # An upload may name its workspace by id: from here on the job shows the name.
            advance(job, "answering")
            job.chunks, job.indexed_at = message.chunks, at
            job.workspace, job.workspace_id = message.workspace, message.workspace_id
            succeed_when_complete(job)
        case workspace.IndexingFailed():
            # The workspace words every indexing failure itself; AnythingLLM's texts stay in its logs.
            finish(job, "failed", at, job_error(failures.INDEXING_FAILED, message.reason, envelope))
        case questions.RunQuestions():
            # Its answers travel on another topic and may have been folded already.
            job.kind, job.workspace, job.workspace_id = "run", message.request.workspace, message.workspace_id
            job.model, job.created_at = message.request.model, min(job.created_at, at)
            succeed_when_complete(job)
        case questions.RunStarted():
            advance(job, "answering")
            job.questions_total, job.workspace_id = message.questions, message.workspace_id
        case questions.RunCompleted():
            job.questions_total = job.questions_answered = message.questions
            job.answered_at = at
            succeed_when_complete(job)
        case questions.RunFailed():
            _stopped(job, message, failures.ANSWERING_FAILED, envelope)
        case jobs.PurgeJob() | jobs.JobPurged():
            job.__dict__.update(purged(job.freeze(), at).__dict__, seen=job.seen)
        case jobs.CancelJob():
            if not job.terminal:
                job.cancel_requested = True
                finish(job, "cancelled", at, job_error(failures.CANCELLED, message.reason, envelope))
        case jobs.JobStalled():
            # A message newer than the one the sweep saw means the job moved after all.
            if idle_since <= message.idle_since:
                finish(job, "failed", at, job_error(failures.STALLED, stalled_sentence(message), envelope))
    return True


def stalled_sentence(message: jobs.JobStalled) -> str:
    """What the tenant reads: how long nothing happened and in which stage; the stage also stays on the view."""
    seconds = message.stall_seconds
    quiet = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
    return f"The job made no progress for {quiet} while {message.stage} and was stopped."


def purged(state: JobState, at: datetime) -> JobState:
    """What stays of a purged job: its id, tenant, kind and times, so the API can say `purged` and late messages
    cannot bring it back, and the ids of the messages folded; every name, file, count and error goes."""
    return JobState(job_id=state.job_id, tenant_id=state.tenant_id, created_at=state.created_at,
                    updated_at=state.updated_at, kind=state.kind, status="purged", stage=state.stage,
                    finished_at=state.finished_at or at, version=state.version, seen=state.seen)


def job_error(code: str, message: str, envelope: Envelope) -> dict:
    """A job error as stored: the correlation id is the one the services logged the details under."""
    return {"code": code, "message": message, "correlation_id": envelope.correlationid}


def _stopped(job: Draft, message: ingest.PackageFailed | questions.RunFailed, unexpected: str,
             envelope: Envelope) -> None:
    """A stage ended early: cancelled, refused on purpose (its reason is for the tenant), or by an error whose
    text may hold SQL, URLs or host names, so only its code and our own sentence are kept."""
    if message.cancelled:
        finish(job, "cancelled", envelope.time,
               job_error(failures.CANCELLED, failures.MESSAGES[failures.CANCELLED], envelope))
    elif message.code is not None:
        finish(job, "failed", envelope.time, job_error(message.code, message.reason, envelope))
    else:
        finish(job, "failed", envelope.time, job_error(unexpected, failures.MESSAGES[unexpected], envelope))


def _job_failure(error: dict | str) -> JobFailure:
    """Errors stored before they had codes were raw texts: they are never shown."""
    if isinstance(error, str):
        return JobFailure(code=failures.INTERNAL_ERROR, message=failures.MESSAGES[failures.INTERNAL_ERROR],
                          correlation_id="")
    return JobFailure.model_validate(error)


def _with_files(job: Draft, files: list[FileVerdict]) -> None:
    job.files = FILE_VERDICTS.dump_python(files, mode="json")
    job.files_total = len(files)
    job.files_accepted = sum(1 for verdict in files if verdict.accepted)
    job.files_rejected = len(files) - job.files_accepted


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
