"""Composition root of the ingest service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI

from tenderflow_common.service import Peers, ServiceRuntime, create_app
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_common.work import LeasedWorker
from tenderflow_ingest import consumers, pipeline
from tenderflow_ingest.models import messaging
from tenderflow_ingest.settings import IngestSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: IngestSettings | None = None,
                  transport: Transport | None = None) -> tuple[ServiceRuntime, LeasedWorker]:
    """Wire the consumer, the pipeline worker, storage and limits."""
    settings = settings or IngestSettings()
    runtime = ServiceRuntime("ingest", settings, messaging, MIGRATIONS, transport=transport)
    store = open_store(settings.storage)
    worker = pipeline.package_worker(pipeline.Pipeline(runtime.transaction, runtime.sessions, store,
                                                       settings.limits(), Path(settings.work_dir)))
    s3_bucket = settings.storage.s3.bucket if settings.storage.backend == "s3" else None
    runtime.consume(consumers.routes(worker.wake, store, s3_bucket))
    return runtime, worker


def build_app(settings: IngestSettings | None = None, transport: Transport | None = None,
              peers: Peers | None = None) -> FastAPI:
    """The ingest service's HTTP app (health and metrics; its work arrives over Kafka)."""
    runtime, worker = build_runtime(settings, transport)

    async def run_pipeline(_runtime: ServiceRuntime) -> None:
        await worker.run()

    return create_app(runtime, [], title="Tenderflow ingest",
                      description="Safe package ingestion and text extraction.", background=[run_pipeline])
