"""Composition root of the questions service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from tenderflow_common.internal_client import InternalClient
from tenderflow_common.service import ServiceRuntime, create_app
from tenderflow_common.worker import Worker
from tenderflow_questions import api, consumers
from tenderflow_questions.question_sets_api import question_sets_router
from tenderflow_questions.models import messaging
from tenderflow_questions.runner import RunRunner
from tenderflow_questions.settings import QuestionsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: QuestionsSettings | None = None,
                  broker: KafkaBroker | None = None) -> tuple[ServiceRuntime, Worker, InternalClient]:
    settings = settings or QuestionsSettings()
    runtime = ServiceRuntime("questions", settings, messaging, MIGRATIONS, broker=broker)
    workspace = InternalClient("workspace", settings.workspace_url, settings.runtime.internal_token,
                               settings.runtime.internal_timeout_seconds)
    runner = RunRunner(runtime, workspace, run_concurrency=settings.run_concurrency,
                       provider_concurrency=settings.provider_concurrency, top_k=settings.top_k)
    worker = Worker("question-runs", runner.claim_next, runner.process)
    runtime.consume(consumers.TOPICS, consumers.routes(worker.wake))
    return runtime, worker, workspace


def build_app() -> FastAPI:
    runtime, worker, workspace = build_runtime()

    async def run_questions(_runtime: ServiceRuntime) -> None:
        await worker.run()

    return create_app(runtime, [api.internal_router(runtime), question_sets_router(runtime)], title="Tenderflow questions",
                      description="Question sets, runs and answers.", background=[run_questions],
                      on_stop=[workspace.aclose])
