"""Use cases: index an ingested package into its workspace."""

import json

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
                                                   extracted["units"])
    return chunks


async def index_package(event: PackageIngested, envelope: Envelope, uow: UnitOfWork,
                        chunks: dict[str, list[Chunk]], *, default_backend: str) -> None:
    """Add every new document of the package to the workspace; documents already there are kept as they are."""
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
    total_chunks = await repository.count_chunks(uow.session, workspace["id"], event.package_id)
    await uow.emit(envelope.follow(
        DocumentsIndexed(workspace_id=workspace["id"], workspace=workspace["name"], package_id=event.package_id,
                         backend=workspace["backend"], documents=len(event.documents), chunks=total_chunks,
                         request=event.request),
        source=SOURCE, message_id=stable_id(event.package_id, "indexed"),
    ))


async def indexing_failed(event: PackageIngested, envelope: Envelope, uow: UnitOfWork, reason: str) -> None:
    """The package was dead-lettered: end its job with the reason rather than leave it indexing for ever."""
    await uow.emit(envelope.follow(
        IndexingFailed(workspace=event.request.workspace, package_id=event.package_id,
                       reason=f"The package could not be indexed: {reason}"),
        source=SOURCE, message_id=stable_id(event.package_id, "indexing-failed"),
    ))
