"""Composition root of the questions service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI

from tenderflow_common.internal_client import InternalClient
from tenderflow_common.service import Peers, ServiceRuntime, create_app
from tenderflow_common.transport import Transport
from tenderflow_common.worker import Worker
from tenderflow_questions import api, consumers
from tenderflow_questions.models import messaging
from tenderflow_questions.question_sets_api import question_sets_router
from tenderflow_questions.runner import RunRunner
from tenderflow_questions.settings import QuestionsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: QuestionsSettings | None = None, transport: Transport | None = None,
                  peers: Peers | None = None) -> tuple[ServiceRuntime, Worker, InternalClient]:
    """Wire the run consumer and the runner, which searches the workspace service."""
    settings = settings or QuestionsSettings()
    peers = peers or {}
    runtime = ServiceRuntime("questions", settings, messaging, MIGRATIONS, transport=transport)
    workspace = InternalClient("workspace", settings.workspace_url, settings.platform.internal_token,
                               settings.platform.internal_timeout_seconds, transport=peers.get("workspace"))
    runner = RunRunner(runtime, workspace, run_concurrency=settings.run_concurrency,
                       provider_concurrency=settings.provider_concurrency, top_k=settings.top_k)
    worker = Worker("question-runs", runner.claim_next, runner.process)
    runtime.consume(consumers.TOPICS, consumers.routes(worker.wake))
    return runtime, worker, workspace


def build_app(settings: QuestionsSettings | None = None, transport: Transport | None = None,
              peers: Peers | None = None) -> FastAPI:
    """The questions service's HTTP app: results and question sets, plus the runner in the background."""
    runtime, worker, workspace = build_runtime(settings, transport, peers)

    async def run_questions(_runtime: ServiceRuntime) -> None:
        await worker.run()

    return create_app(runtime, [api.internal_router(runtime), question_sets_router(runtime)],
                      title="Tenderflow questions", description="Question sets, runs and answers.",
                      background=[run_questions], on_stop=[workspace.aclose])
