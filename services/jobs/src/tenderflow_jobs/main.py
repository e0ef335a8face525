"""Composition root of the jobs service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI

from tenderflow_common.service import Peers, ServiceRuntime, create_app
from tenderflow_common.transport import Transport
from tenderflow_jobs import api, consumers
from tenderflow_jobs.models import messaging
from tenderflow_jobs.settings import JobsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: JobsSettings | None = None, transport: Transport | None = None) -> ServiceRuntime:
    """Wire the projection's consumer to its database and transport."""
    runtime = ServiceRuntime("jobs", settings or JobsSettings(), messaging, MIGRATIONS, transport=transport)
    runtime.consume(consumers.routes())
    return runtime


def build_app(settings: JobsSettings | None = None, transport: Transport | None = None,
              peers: Peers | None = None) -> FastAPI:
    """The jobs service's HTTP app."""
    runtime = build_runtime(settings, transport)
    router = api.internal_router(runtime.database, runtime.settings.platform.internal_token)
    return create_app(runtime, [router], title="Tenderflow jobs",
                      description="The job projection, folded from every command and event.")
