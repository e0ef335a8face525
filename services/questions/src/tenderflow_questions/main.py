"""Composition root of the questions service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI

from tenderflow_common.internal_client import InternalClient
from tenderflow_common.service import Peers, ServiceRuntime, create_app
from tenderflow_common.transport import Transport
from tenderflow_common.work import LeasedWorker
from tenderflow_questions import api, consumers
from tenderflow_questions.models import messaging
from tenderflow_questions.providers import Providers, default_providers
from tenderflow_questions.question_sets_api import question_sets_router
from tenderflow_questions.runner import Answering, run_worker
from tenderflow_questions.settings import QuestionsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: QuestionsSettings | None = None, transport: Transport | None = None,
                  peers: Peers | None = None,
                  providers: Providers | None = None) -> tuple[ServiceRuntime, LeasedWorker, Answering]:
    """Wire the run consumer and the runner, which searches the workspace service."""
    settings = settings or QuestionsSettings()
    peers = peers or {}
    providers = providers or default_providers(settings.provider_concurrency)
    runtime = ServiceRuntime("questions", settings, messaging, MIGRATIONS, transport=transport)
    workspace = InternalClient("workspace", settings.workspace_url, settings.platform.internal_token,
                               settings.platform.internal_timeout_seconds, transport=peers.get("workspace"))
    answering = Answering(runtime.transaction, runtime.sessions, workspace, providers,
                          run_concurrency=settings.run_concurrency, top_k=settings.top_k)
    worker = run_worker(answering)
    runtime.consume(consumers.routes(worker.wake, providers))
    return runtime, worker, answering


def build_app(settings: QuestionsSettings | None = None, transport: Transport | None = None,
              peers: Peers | None = None) -> FastAPI:
    """The questions service's HTTP app: results and question sets, plus the runner in the background."""
    runtime, worker, answering = build_runtime(settings, transport, peers)

    async def run_questions(_runtime: ServiceRuntime) -> None:
        await worker.run()

    token = runtime.settings.platform.internal_token
    routers = [api.internal_router(runtime.database, token), question_sets_router(runtime.database, token)]
    return create_app(runtime, routers,
                      title="Tenderflow questions", description="Question sets, runs and answers.",
                      background=[run_questions], on_stop=[answering.workspace.aclose])
