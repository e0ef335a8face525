"""The language ingest told for a document reaches its chunks, their rows, and the passages a search returns."""

from __future__ import annotations

import json
from pathlib import Path

from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.workspace import SearchQuery
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_workspace import handlers, repository
from tenderflow_workspace.builtin import BuiltinIndex
from tenderflow_workspace.main import MIGRATIONS, build_service
from tenderflow_workspace.search import search_index
from tenderflow_workspace.settings import WorkspaceSettings

TENANT = "acme"
NOTICE = [{"text": "O edital da licitação: o prazo para as propostas termina em 15 de março.", "page": 1,
           "path": None, "row": None}]
PRICES = [{"text": "Lote: 1; Valor: 1.000,00", "page": None, "path": None, "row": 1}]


async def test_the_documents_language_is_kept_on_its_chunks_and_passages(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "storage")
    settings = WorkspaceSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}",
                                 storage=StorageSettings(root=tmp_path / "storage"), default_backend="builtin")
    service = build_service(settings, transport=InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, service.runtime.database_url)
    documents = []
    # A text blob written before ingest recorded languages has none: its chunks have none either.
    for file, units, language in (("edital.pdf", NOTICE, "pt"), ("lotes.csv", PRICES, None)):
        document_id = stable_id("pkg-1", file)
        key = tenant_key(TENANT, "packages", "pkg-1", "documents", f"{document_id}.json")
        blob = {"file": file, "doc_type": file[-3:], "units": units} | ({"language": language} if language else {})
        await store.put_bytes(key, json.dumps(blob).encode())
        documents.append(IngestedDocument(document_id=document_id, file=file, doc_type=file[-3:], pages=1,
                                          text_key=key))
    event = PackageIngested(package_id="pkg-1", request=JobRequest(workspace="harbour"), documents=documents)
    envelope = Envelope.wrap(event, source="test", tenant_id=TENANT, job_id="job-1")
    try:
        prepared = await handlers.read_chunks(event, envelope, store=store)
        async with service.runtime.transaction() as uow:
            await handlers.index_package(event, envelope, uow, prepared, default_backend="builtin")
        workspace_id = stable_id(TENANT, "workspace", "harbour")
        async with service.runtime.sessions() as session:
            chunks = await repository.load_chunks(session, workspace_id, "pkg-1")
        assert {(chunk.file, chunk.language) for chunk in chunks} == {("edital.pdf", "pt"), ("lotes.csv", None)}
        passages = search_index(BuiltinIndex(chunks), SearchQuery(query="prazo para as propostas", top_k=1))
        assert [(passage.file, passage.language) for passage in passages] == [("edital.pdf", "pt")]
    finally:
        await service.runtime.engine.dispose()
