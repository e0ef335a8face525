"""Use cases: index an ingested package into its workspace."""

import json

from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.contracts.workspace import DocumentsIndexed
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import ObjectStore, key_belongs_to
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_workspace import repository
from tenderflow_workspace.builtin import chunk_units

SOURCE = "tenderflow/workspace"


async def index_package(event: PackageIngested, envelope: Envelope, uow: UnitOfWork, *, store: ObjectStore,
                        default_backend: str) -> None:
    """Chunk every new document of the package into the workspace; documents already there are kept as they are."""
    workspace = await repository.ensure_workspace(uow.session, envelope.tenantid, event.request.workspace,
                                                  default_backend)
    known = await repository.indexed_document_ids(uow.session, [d.document_id for d in event.documents])
    for document in event.documents:
        if document.document_id in known:
            continue
        if not key_belongs_to(document.text_key, envelope.tenantid):
            raise PermissionError("document text lies outside the tenant's storage")
        extracted = json.loads(await store.get_bytes(document.text_key))
        chunks = chunk_units(document.document_id, document.file, document.doc_type, extracted["units"])
        await repository.add_document(uow.session, id=document.document_id, workspace_id=workspace["id"],
                                      package_id=event.package_id, file=document.file, doc_type=document.doc_type,
                                      pages=document.pages)
        await repository.add_chunks(uow.session, workspace["id"], event.package_id, chunks)
    total_chunks = await repository.count_chunks(uow.session, workspace["id"], event.package_id)
    await uow.emit(envelope.follow(
        DocumentsIndexed(workspace_id=workspace["id"], workspace=workspace["name"], package_id=event.package_id,
                         backend=workspace["backend"], documents=len(event.documents), chunks=total_chunks,
                         request=event.request),
        source=SOURCE, message_id=stable_id(event.package_id, "indexed"),
    ))
