"""Composition root of the jobs service; nothing runs at import."""

from pathlib import Path

from tenderflow_common.service import Service, ServiceRuntime, create_service
from tenderflow_common.transport import Transport
from tenderflow_jobs import api, consumers
from tenderflow_jobs.models import messaging
from tenderflow_jobs.settings import JobsSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: JobsSettings | None = None, transport: Transport | None = None) -> Service:
    """Jobs: folds every command and event into the job projection, and serves it internally."""
    runtime = ServiceRuntime("jobs", settings or JobsSettings(), messaging, MIGRATIONS, transport=transport)
    runtime.consume(consumers.routes())
    router = api.internal_router(runtime.database, runtime.settings.platform.internal_token)
    return create_service(runtime, [router], title="Tenderflow jobs",
                          description="The job projection, folded from every command and event.")
