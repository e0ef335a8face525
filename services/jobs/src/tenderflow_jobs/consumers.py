"""Transport: the jobs projection listens to every command and event topic."""

import functools

from tenderflow_common.consumer import PollFold, Route
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_jobs import handlers
from tenderflow_jobs.read_model import JobViews

POLL_MAX_RECORDS = 20_000
"""A poll writes each job it touches once, so under a backlog the more of it one poll holds, the fewer writes a
message costs; a poll still returns as soon as records are there, so an idle projection is as quick as before."""

FOLDED = (
    ingest.IngestPackage, ingest.PackageAccepted, ingest.PackageRejected, ingest.DocumentExtracted,
    ingest.PackageIngested, ingest.PackageFailed,
    workspace.DocumentsIndexed, workspace.IndexingFailed,
    questions.RunQuestions, questions.RunStarted, questions.AnswerRecorded, questions.RunCompleted,
    questions.RunFailed,
    jobs.CancelJob, jobs.JobStalled,
    jobs.PurgeJob, jobs.JobPurged,
)


# A folding consumer: each job keeps the ids of the messages folded into it, on its row and under its lock
# (`projection.fold`), which costs a poll no processed marks of its own.

def routes(views: JobViews | None = None) -> list[Route]:
    """Every message the projection folds, each handled on its own by the same fold (publishing the jobs' views
    when `views` is given)."""
    fold_one = functools.partial(handlers.fold, views=views)
    return [Route(message, fold_one) for message in FOLDED]


def poll_fold(views: JobViews | None = None) -> PollFold:
    """How the projection folds a whole poll: each job read and written once (publishing views as `routes`)."""
    return functools.partial(handlers.fold_poll, views=views)
