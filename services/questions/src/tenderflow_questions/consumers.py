"""Transport: questions listens to workspace events, its run command and job cancellations."""

import functools
from collections.abc import Callable

from tenderflow_common.consumer import Route
from tenderflow_common.contracts.jobs import JobCancelRequested, JobPurged
from tenderflow_common.contracts.questions import RunQuestions
from tenderflow_common.contracts.workspace import DocumentsIndexed, WorkspaceDeleted
from tenderflow_questions import handlers, job_purge, workspace_deletion
from tenderflow_questions.providers import Providers


def routes(wake_runner: Callable[[], None], providers: Providers) -> list[Route]:
    return [
        Route(DocumentsIndexed, functools.partial(handlers.start_run, providers=providers, wake_runner=wake_runner),
              on_give_up=handlers.run_failed),
        Route(RunQuestions, functools.partial(handlers.run_questions, providers=providers, wake_runner=wake_runner),
              on_give_up=handlers.run_failed),
        Route(JobCancelRequested, handlers.job_cancel_requested),
        Route(WorkspaceDeleted, workspace_deletion.workspace_deleted),
        Route(JobPurged, job_purge.job_purged),
    ]
