"""Composition root of the workspace service; nothing runs at import."""

from pathlib import Path

from fastapi import FastAPI

from tenderflow_common.service import Peers, ServiceRuntime, create_app
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_workspace import api, consumers
from tenderflow_workspace.models import messaging
from tenderflow_workspace.search import IndexCache
from tenderflow_workspace.settings import WorkspaceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: WorkspaceSettings | None = None, transport: Transport | None = None) -> ServiceRuntime:
    """Wire the indexing consumer to its database, storage and transport."""
    settings = settings or WorkspaceSettings()
    runtime = ServiceRuntime("workspace", settings, messaging, MIGRATIONS, transport=transport)
    store = open_store(settings.storage)
    runtime.consume(consumers.routes(store, settings.default_backend))
    return runtime


def build_app(settings: WorkspaceSettings | None = None, transport: Transport | None = None,
              peers: Peers | None = None) -> FastAPI:
    """The workspace service's HTTP app: internal search."""
    runtime = build_runtime(settings, transport)
    indexes = IndexCache(runtime.sessions, runtime.settings.index_cache_size)
    router = api.internal_router(runtime.database, runtime.settings.platform.internal_token, indexes)
    return create_app(runtime, [router], title="Tenderflow workspace",
                      description="Workspaces, indexing and search.")
