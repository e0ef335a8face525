"""Transport: the jobs projection listens to every command and event topic."""

from tenderflow_common.consumer import Route
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_jobs.handlers import fold, fold_batch

FOLDED = (
    ingest.IngestPackage, ingest.PackageAccepted, ingest.PackageRejected, ingest.DocumentExtracted,
    ingest.PackageIngested, ingest.PackageFailed,
    workspace.DocumentsIndexed, workspace.IndexingFailed,
    questions.RunQuestions, questions.RunStarted, questions.AnswerRecorded, questions.RunCompleted,
    questions.RunFailed,
    jobs.CancelJob,
)


def routes() -> list[Route]:
    """Every message the projection folds goes to the same handler, which folds a poll's messages together."""
    return [Route(message, fold, handle_batch=fold_batch) for message in FOLDED]
