"""Transport: the jobs projection listens to every command and event topic."""

import functools

from tenderflow_common.consumer import Route
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_jobs.handlers import fold, fold_batch
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


# The consumer marks nothing processed (`marks_processed=False`): each job keeps the ids of the messages folded
# into it, on its row and under its lock (`projection.fold`), which costs the poll no insert of its own.

def routes(views: JobViews | None = None) -> list[Route]:
    """Every message the projection folds goes to the same handler, which folds a poll's messages together and
    publishes the jobs' views when `views` is given."""
    fold_one, fold_poll = functools.partial(fold, views=views), functools.partial(fold_batch, views=views)
    return [Route(message, fold_one, handle_batch=fold_poll) for message in FOLDED]
