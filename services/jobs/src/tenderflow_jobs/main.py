"""Composition root of the jobs service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from tenderflow_common.service import ServiceRuntime, create_app

from tenderflow_jobs import api, consumers
from tenderflow_jobs.models import messaging
from tenderflow_jobs.settings import JobsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: JobsSettings | None = None, broker: KafkaBroker | None = None) -> ServiceRuntime:
    """Wire the projection's consumer to its database and broker."""
    runtime = ServiceRuntime("jobs", settings or JobsSettings(), messaging, MIGRATIONS, broker=broker)
    runtime.consume(consumers.TOPICS, consumers.routes())
    return runtime


def build_app(runtime: ServiceRuntime | None = None) -> FastAPI:
    """The jobs service's HTTP app."""
    runtime = runtime or build_runtime()
    return create_app(runtime, [api.internal_router(runtime)], title="Tenderflow jobs",
                      description="The job projection, folded from every command and event.")
