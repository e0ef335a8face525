"""Composition root of the workspace service; nothing runs at import."""

from pathlib import Path

from tenderflow_common.service import Service, ServiceRuntime, create_service
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_workspace import api, consumers
from tenderflow_workspace.models import messaging
from tenderflow_workspace.search import IndexCache
from tenderflow_workspace.settings import WorkspaceSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: WorkspaceSettings | None = None, transport: Transport | None = None) -> Service:
    """Workspace: indexes ingested packages, and serves search internally."""
    settings = settings or WorkspaceSettings()
    runtime = ServiceRuntime("workspace", settings, messaging, MIGRATIONS, transport=transport)
    runtime.consume(consumers.routes(open_store(settings.storage), settings.default_backend))
    indexes = IndexCache(runtime.sessions, settings.index_cache_size)
    router = api.internal_router(runtime.database, settings.platform.internal_token, indexes)
    return create_service(runtime, [router], title="Tenderflow workspace",
                          description="Workspaces, indexing and search.")
