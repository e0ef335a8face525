"""Messages and views owned by the jobs service."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from tenderflow_common import topics
from tenderflow_common.contracts.shared import FileVerdict, Strict
from tenderflow_common.messages import Command, Event, register

ListedStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
"""The statuses history lists and filters by: a purged job is no history."""
JobStatus = Literal[ListedStatus, "purged"]
JobStage = Literal["queued", "ingesting", "indexing", "answering", "done"]
JobKind = Literal["upload", "run"]
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled", "purged"})


class CancelJob(Command):
    """Stop a job: services that are working on it stop within seconds."""

    message_type: ClassVar[str] = "tenderflow.jobs.cancel-job.v1"
    topic: ClassVar[str] = topics.JOBS_COMMANDS

    reason: str = "cancelled by client"


class JobCancelRequested(Event):
    """A job is to stop; every service working on it reacts."""

    message_type: ClassVar[str] = "tenderflow.jobs.job-cancel-requested.v1"
    topic: ClassVar[str] = topics.JOBS_EVENTS

    reason: str


class JobStalled(Event):
    """No stage moved the job for too long: it ends failed in the stage it stopped in, and its work is stopped."""

    message_type: ClassVar[str] = "tenderflow.jobs.job-stalled.v1"
    topic: ClassVar[str] = topics.JOBS_EVENTS

    stage: JobStage
    idle_since: datetime = Field(description="The time of the job's last message when the stall was noticed: a "
                                 "message after it means the job moved, and the stall is ignored.")
    stall_seconds: int = Field(gt=0, description="How long the job had to go without a message.")


register(CancelJob, JobCancelRequested, JobStalled)


class PurgeJob(Command):
    """Delete everything of a finished job in every service; its view stays only as `purged`."""

    message_type: ClassVar[str] = "tenderflow.jobs.purge-job.v1"
    topic: ClassVar[str] = topics.JOBS_COMMANDS


class JobPurged(Event):
    """A job was deleted or outlived its tenant's retention: each service deletes what it holds of the job."""

    message_type: ClassVar[str] = "tenderflow.jobs.job-purged.v1"
    topic: ClassVar[str] = topics.JOBS_EVENTS

    reason: Literal["deleted", "expired"]


register(PurgeJob, JobPurged)


class JobProgress(Strict):
    """Progress units per stage and the weighted overall percentage."""

    percent: float = Field(ge=0, le=100)
    files_total: int = 0
    files_accepted: int = 0
    files_rejected: int = 0
    documents_extracted: int = 0
    pages: int = 0
    chunks: int = 0
    questions_total: int = 0
    questions_answered: int = 0


class JobFailure(Strict):
    """Why a job ended without succeeding: a stable code, a sentence for people, and the correlation id under which
    the details are logged."""

    code: str
    message: str
    correlation_id: str


class JobView(Strict):
    """A job as the projection knows it."""

    job_id: str
    tenant_id: str
    kind: JobKind = Field(default="upload", description="`upload` ingests a package; `run` answers questions "
                          "again over a workspace's indexed documents.")
    status: JobStatus
    stage: JobStage
    progress: JobProgress
    eta_seconds: float | None = None
    files: list[FileVerdict] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="The failure's message, for older clients.")
    failure: JobFailure | None = None
    filename: str | None = None
    workspace: str | None = None
    workspace_id: str | None = None
    model: str | None = None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class JobPage(Strict):
    """A page of jobs, newest first."""

    jobs: list[JobView]
    total: int = Field(default=0, ge=0, description="Jobs that match the filters, on every page together.")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page; absent on "
                                    "the last one.")
