"""Use cases: index an ingested package into its workspace; create, configure and delete workspaces."""

import json
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.consumer import Unprocessable
from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.contracts.shared import DEFAULT_MODEL, JobRequest
from tenderflow_common.contracts.workspace import (
    DocumentsIndexed,
    IndexingFailed,
    IndexingStatus,
    NewWorkspace,
    WorkspaceChange,
    WorkspaceConfiguration,
    WorkspaceCreated,
    WorkspaceDeleted,
    WorkspaceUpdated,
    WorkspaceView,
)
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import ObjectStore, key_belongs_to
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_workspace import repository
from tenderflow_workspace.builtin import Chunk, chunk_units

SOURCE = "tenderflow/workspace"
log = logging.getLogger(__name__)


async def read_chunks(event: PackageIngested, envelope: Envelope, *, store: ObjectStore) -> dict[str, list[Chunk]]:
    """Every document's chunks, read from storage before the indexing transaction opens."""
    chunks: dict[str, list[Chunk]] = {}
    for document in event.documents:
        if not key_belongs_to(document.text_key, envelope.tenantid):
            raise Unprocessable("document text lies outside the tenant's storage")
        extracted = json.loads(await store.get_bytes(document.text_key))
        chunks[document.document_id] = chunk_units(document.document_id, document.file, document.doc_type,
                                                   extracted["units"], extracted.get("language"))
    return chunks


async def index_package(event: PackageIngested, envelope: Envelope, uow: UnitOfWork,
                        chunks: dict[str, list[Chunk]], *, default_backend: str,
                        wake_sync: Callable[[], None] = lambda: None) -> None:
    """Add every new document of the package to the workspace; documents already there are kept as they are.

    The builtin chunks are stored whatever the backend, since they serve search and citations. A workspace with
    the `anythingllm` backend then gets a pending sync: the worker uploads and embeds the documents outside any
    transaction and announces `DocumentsIndexed` itself. A package of a job purged already is left out, with
    nothing announced: the purge has removed what there was, and nothing of the job may come back."""
    if await repository.job_purged(uow.session, envelope.tenantid, envelope.jobid):
        log.info("package %s arrived after its job was purged; not indexed", event.package_id)
        return
    deleted_at = await repository.last_deleted(uow.session, envelope.tenantid, event.request.workspace)
    if deleted_at is not None and envelope.time <= deleted_at:
        # Ingested before its workspace was deleted, delivered after: indexing it would bring the workspace back.
        await _indexing_failed(event, envelope, uow, "its workspace was deleted")
        return
    workspace, created = await repository.ensure_workspace(uow.session, envelope.tenantid,
                                                           event.request.workspace, default_backend)
    if created:
        await uow.emit(envelope.follow(_created(workspace), source=SOURCE,
                                       message_id=stable_id(envelope.id, "workspace-created")))
    await repository.note_last_job(uow.session, workspace["id"], envelope.jobid)
    known = await repository.indexed_document_ids(uow.session, [d.document_id for d in event.documents])
    for document in event.documents:
        if document.document_id in known:
            continue
        await repository.add_document(uow.session, id=document.document_id, workspace_id=workspace["id"],
                                      package_id=event.package_id, file=document.file, doc_type=document.doc_type,
                                      pages=document.pages)
        await repository.add_chunks(uow.session, workspace["id"], event.package_id, chunks[document.document_id])
    if workspace["backend"] == "anythingllm":
        await _record_sync(event, envelope, uow, workspace["id"])
        uow.after_commit(wake_sync)
        return
    total_chunks = await repository.count_chunks(uow.session, workspace["id"], event.package_id)
    await uow.emit(envelope.follow(
        DocumentsIndexed(workspace_id=workspace["id"], workspace=workspace["name"], package_id=event.package_id,
                         backend=workspace["backend"], documents=len(event.documents), chunks=total_chunks,
                         request=with_workspace_defaults(event.request, workspace)),
        source=SOURCE, message_id=stable_id(event.package_id, "indexed"),
    ))


async def _record_sync(event: PackageIngested, envelope: Envelope, uow: UnitOfWork, workspace_id: str) -> None:
    sync_id = stable_id(event.package_id, "anythingllm-sync")
    if await repository.sync_exists(uow.session, sync_id):
        return
    await repository.add_sync(
        uow.session, id=sync_id, job_id=envelope.jobid, tenant_id=envelope.tenantid,
        correlation_id=envelope.correlationid, cause_id=envelope.id, workspace_id=workspace_id,
        package_id=event.package_id, request=event.request.model_dump(mode="json"),
        documents=[document.model_dump(mode="json") for document in event.documents])


async def indexing_failed(event: PackageIngested, envelope: Envelope, uow: UnitOfWork, reason: str) -> None:
    """The package was dead-lettered: end its job with the reason rather than leave it indexing for ever."""
    await _indexing_failed(event, envelope, uow, reason)


async def _indexing_failed(event: PackageIngested, envelope: Envelope, uow: UnitOfWork, reason: str) -> None:
    await uow.emit(envelope.follow(
        IndexingFailed(workspace=event.request.workspace, package_id=event.package_id,
                       reason=f"The package could not be indexed: {reason}"),
        source=SOURCE, message_id=stable_id(event.package_id, "indexing-failed"),
    ))


class WorkspaceExists(Exception):
    """The tenant already has a workspace of that name."""


async def create_workspace(uow: UnitOfWork, tenant_id: str, new: NewWorkspace) -> dict:
    """Create a workspace on request and announce it."""
    if await repository.name_taken(uow.session, tenant_id, new.name):
        raise WorkspaceExists(new.name)
    workspace = await repository.create_workspace(uow.session, tenant_id, new.name, new.backend,
                                                  new.settings.model_dump(mode="json", exclude_defaults=True))
    await uow.emit(_announcement(_created(workspace), tenant_id, workspace))
    return workspace


async def change_settings(uow: UnitOfWork, workspace: dict, change: WorkspaceChange) -> None:
    """Merge the change into the settings and announce the whole new settings."""
    settings = merged(configuration(workspace), change.settings)
    await repository.save_settings(uow.session, workspace["id"], settings.model_dump(mode="json",
                                                                                     exclude_defaults=True))
    await uow.emit(_announcement(WorkspaceUpdated(workspace_id=workspace["id"], name=workspace["name"],
                                                  settings=settings), workspace["tenant_id"], workspace))


async def delete_workspace(uow: UnitOfWork, workspace: dict) -> None:
    """Delete the workspace's rows here and tell every other service to delete what it holds of it.

    A remote AnythingLLM workspace is removed before this transaction, so a failure there leaves everything to
    try again."""
    packages = await repository.package_ids(uow.session, workspace["id"])
    await repository.delete_workspace(uow.session, workspace)
    await uow.emit(_announcement(WorkspaceDeleted(workspace_id=workspace["id"], name=workspace["name"],
                                                  package_ids=packages), workspace["tenant_id"], workspace))


async def workspace_view(session: AsyncSession, workspace: dict) -> WorkspaceView:
    """The workspace with its counts and how its indexing stands."""
    return (await workspace_views(session, [workspace]))[0]


async def workspace_views(session: AsyncSession, rows: list[dict]) -> list[WorkspaceView]:
    """Workspaces with their counts and how their indexing stands, in the order given."""
    held = await repository.holdings(session, [row["id"] for row in rows])
    return [WorkspaceView(id=row["id"], name=row["name"], backend=row["backend"], settings=configuration(row),
                          documents=held[row["id"]].documents, chunks=held[row["id"]].chunks,
                          indexing=indexing_status(held[row["id"]].documents, held[row["id"]].sync_statuses),
                          last_job_id=row.get("last_job_id"), created_at=row["created_at"],
                          updated_at=row.get("updated_at"))
            for row in rows]


def indexing_status(documents: int, sync_statuses: list[str]) -> IndexingStatus:
    """Indexing while an AnythingLLM sync waits or runs; failed when the newest sync failed."""
    if any(status in ("pending", "syncing") for status in sync_statuses):
        return "indexing"
    if sync_statuses and sync_statuses[0] == "failed":
        return "failed"
    return "indexed" if documents else "empty"


def with_workspace_defaults(request: JobRequest, workspace: dict) -> JobRequest:
    """The request answering gets: the workspace's question set where the upload asked no questions and named no
    set, and its model where the upload left the default model alone."""
    settings = configuration(workspace)
    chosen: dict = {}
    if settings.question_set and request.questions is None and request.question_set is None:
        chosen["question_set"] = settings.question_set
    if settings.model and request.model == DEFAULT_MODEL and not request.compare_with:
        chosen["model"] = settings.model
    return request.model_copy(update=chosen) if chosen else request


def configuration(workspace: dict) -> WorkspaceConfiguration:
    return WorkspaceConfiguration.model_validate(workspace.get("settings") or {})


def merged(current: WorkspaceConfiguration, change: WorkspaceConfiguration) -> WorkspaceConfiguration:
    """RFC 7396 over the settings: what the change sets replaces, a null removes, what it leaves out stays."""
    return WorkspaceConfiguration.model_validate(
        _merge(current.model_dump(mode="json", exclude_defaults=True), change.model_dump(mode="json",
                                                                                          exclude_unset=True)))


def _merge(target: dict, patch: dict) -> dict:
    result = dict(target)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            result[key] = _merge(result.get(key) or {}, value)
        else:
            result[key] = value
    return result


def _created(workspace: dict) -> WorkspaceCreated:
    return WorkspaceCreated(workspace_id=workspace["id"], name=workspace["name"], backend=workspace["backend"],
                            settings=configuration(workspace))


def _announcement(event: WorkspaceCreated | WorkspaceUpdated | WorkspaceDeleted, tenant_id: str,
                  workspace: dict) -> Envelope:
    """A workspace's own events are keyed by its id, so they stay in order."""
    return Envelope.wrap(event, source=SOURCE, tenant_id=tenant_id, job_id=workspace["id"],
                         subject=workspace["name"])
