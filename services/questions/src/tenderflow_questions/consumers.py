"""Transport: questions listens to workspace events and job cancellations."""

import functools
from collections.abc import Callable

from tenderflow_common import topics
from tenderflow_common.consumer import Route
from tenderflow_common.contracts.jobs import JobCancelRequested
from tenderflow_common.contracts.workspace import DocumentsIndexed
from tenderflow_questions import handlers
from tenderflow_questions.providers import Providers

TOPICS = [topics.WORKSPACE_EVENTS, topics.QUESTIONS_COMMANDS, topics.JOBS_EVENTS]


def routes(wake_runner: Callable[[], None], providers: Providers) -> list[Route]:
    return [
        Route(DocumentsIndexed, functools.partial(handlers.start_run, providers=providers, wake_runner=wake_runner)),
        Route(JobCancelRequested, handlers.job_cancel_requested),
    ]
