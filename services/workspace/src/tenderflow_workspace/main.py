"""Composition root of the workspace service; nothing runs at import."""

from pathlib import Path

from tenderflow_common.anythingllm import AnythingLLMClient
from tenderflow_common.internal_auth import InternalAuth
from tenderflow_common.internal_tokens import InternalTokenVerifier
from tenderflow_common.service import Service, ServiceRuntime, create_service
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_workspace import api, consumers
from tenderflow_workspace.anythingllm import AnythingLLMBackend
from tenderflow_workspace.models import anythingllm_removals, anythingllm_syncs, messaging, purged_jobs
from tenderflow_workspace.removing import Removing, removal_worker
from tenderflow_workspace.search import IndexCache
from tenderflow_workspace.settings import WorkspaceSettings
from tenderflow_workspace.syncing import Syncing, sync_worker

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: WorkspaceSettings | None = None, transport: Transport | None = None) -> Service:
    """Workspace: indexes ingested packages (into AnythingLLM too, for workspaces on that backend, by a background
    worker; another removes purged packages from there), and serves search and workspace management internally."""
    settings = settings or WorkspaceSettings()
    runtime = ServiceRuntime("workspace", settings, messaging, MIGRATIONS, transport=transport)
    runtime.housekeeping.forget_with_messages(anythingllm_removals.c.finished_at, anythingllm_syncs.c.purged_at,
                                             purged_jobs.c.purged_at)
    store = open_store(settings.storage)
    client = AnythingLLMClient.from_settings(settings.anythingllm) if settings.anythingllm.configured else None
    backend = AnythingLLMBackend(client, settings.anythingllm) if client is not None else None
    worker = sync_worker(Syncing(runtime.transaction, store, backend, settings.anythingllm_attempts))
    removals = removal_worker(Removing(runtime.transaction, backend))
    runtime.consume(consumers.routes(store, settings.default_backend, worker.wake, removals.wake))
    indexes = IndexCache(runtime.sessions, settings.index_cache_size)
    verifier = InternalTokenVerifier(settings.platform.signing_key, "workspace", callers=["questions", "gateway"])
    router = api.internal_router(runtime.database, InternalAuth(verifier), indexes, backend)
    return create_service(runtime, [router], title="Tenderflow workspace",
                          description="Workspaces, indexing and search.", background=[worker.run, removals.run],
                          on_stop=[client.aclose] if client is not None else [])
