"""Composition root of the ingest service; nothing runs at import."""

from pathlib import Path

from tenderflow_common.service import Service, ServiceRuntime, create_service
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_ingest import consumers, pipeline
from tenderflow_ingest.models import cancelled_jobs, messaging, purged_jobs
from tenderflow_ingest.settings import IngestSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: IngestSettings | None = None, transport: Transport | None = None) -> Service:
    """Ingest: consumes commands and upload events, takes packages apart in the background; HTTP for health."""
    settings = settings or IngestSettings()
    runtime = ServiceRuntime("ingest", settings, messaging, MIGRATIONS, transport=transport)
    runtime.housekeeping.forget_with_messages(cancelled_jobs.c.cancelled_at, purged_jobs.c.purged_at)
    store = open_store(settings.storage)
    package_pipeline = pipeline.Pipeline(runtime.transaction, runtime.sessions, store, settings.limits(),
                                         Path(settings.work_dir), settings.turns())
    worker = pipeline.package_worker(package_pipeline)
    spool = pipeline.spool_sweep(package_pipeline, settings.spool_sweep_seconds)
    s3_bucket = settings.storage.s3.bucket if settings.storage.backend == "s3" else None
    runtime.consume(consumers.routes(worker.wake, store, s3_bucket, settings.upload_allowlist()))
    return create_service(runtime, [], title="Tenderflow ingest",
                          description="Safe package ingestion and text extraction.", background=[worker.run, spool.run])
