"""Composition root of the workspace service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from tenderflow_common.service import ServiceRuntime, create_app
from tenderflow_common.storage import open_store
from tenderflow_workspace import api, consumers
from tenderflow_workspace.models import messaging
from tenderflow_workspace.search import IndexCache
from tenderflow_workspace.settings import WorkspaceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: WorkspaceSettings | None = None, broker: KafkaBroker | None = None) -> ServiceRuntime:
    settings = settings or WorkspaceSettings()
    runtime = ServiceRuntime("workspace", settings, messaging, MIGRATIONS, broker=broker)
    store = open_store(settings.storage.backend, settings.storage.root)
    runtime.consume(consumers.TOPICS, consumers.routes(store, settings.default_backend))
    return runtime


def build_app(runtime: ServiceRuntime | None = None) -> FastAPI:
    runtime = runtime or build_runtime()
    indexes = IndexCache(runtime.sessions, runtime.settings.index_cache_size)
    return create_app(runtime, [api.internal_router(runtime, indexes)], title="Tenderflow workspace",
                      description="Workspaces, indexing and search.")
