"""Use cases: index an ingested package into its workspace."""

import json
from collections.abc import Callable

from tenderflow_common.consumer import Unprocessable
from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.contracts.workspace import DocumentsIndexed, IndexingFailed
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import ObjectStore, key_belongs_to
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_workspace import repository
from tenderflow_workspace.builtin import Chunk, chunk_units

SOURCE = "tenderflow/workspace"


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
    transaction and announces `DocumentsIndexed` itself."""
    workspace = await repository.ensure_workspace(uow.session, envelope.tenantid, event.request.workspace,
                                                  default_backend)
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
                         request=event.request),
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
    await uow.emit(envelope.follow(
        IndexingFailed(workspace=event.request.workspace, package_id=event.package_id,
                       reason=f"The package could not be indexed: {reason}"),
        source=SOURCE, message_id=stable_id(event.package_id, "indexing-failed"),
    ))
