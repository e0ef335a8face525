"""The anythingllm backend on a migrated SQLite database against the fake AnythingLLM server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from sqlalchemy import select

from tenderflow_common.anythingllm import AnythingLLMClient, AnythingLLMUnavailable
from tenderflow_common.anythingllm.conventions import SYSTEM_PROMPT
from tenderflow_common.anythingllm.naming import QUERY_REFUSAL, workspace_name
from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.settings import AnythingLLMSettings, StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM
from tenderflow_common.work import Claim
from tenderflow_workspace import handlers
from tenderflow_workspace.anythingllm import AnythingLLMBackend
from tenderflow_workspace.main import MIGRATIONS, build_service
from tenderflow_workspace.models import anythingllm_documents, anythingllm_syncs, chunks
from tenderflow_workspace.settings import WorkspaceSettings
from tenderflow_workspace.syncing import Syncing, sync_package, sync_worker, task_from_row

TENANT = "acme"
WORKSPACE_ID = stable_id(TENANT, "workspace", "harbour")
PDF = [{"text": "Contract notice. The buyer is the Port of Oslo. " * 20, "page": 1, "path": None, "row": None},
       {"text": "Time limit for receipt of tenders: 15 March 2026 at 12:00.", "page": 2, "path": None, "row": None}]
CSV = [{"text": f"lot: {n} | item: quay wall section {n} | price: {n * 1000} EUR", "page": None, "path": None,
        "row": n} for n in range(1, 4)]
SCANNED = [{"text": "", "page": 1, "path": None, "row": None}]


def anythingllm_settings(fake: FakeAnythingLLM, **changes) -> AnythingLLMSettings:
    values = {"base_url": fake.base_url, "api_key": SecretStr(fake.api_key), "read_timeout_seconds": 0.5,
              "embed_timeout_seconds": 2.0, "chat_timeout_seconds": 2.0, "top_n": 5, **changes}
    return AnythingLLMSettings(**values)


@dataclass
class Harness:
    runtime: ServiceRuntime
    store: LocalObjectStore
    fake: FakeAnythingLLM
    syncing: Syncing

    async def ingest(self, package_id: str = "pkg-1", *, backend: str = "anythingllm",
                     files: dict | None = None) -> PackageIngested:
        """Run the handler for a package as the consumer would: storage read first, then one transaction."""
        files = files if files is not None else {"notice.pdf": PDF, "prices.csv": CSV, "scan.pdf": SCANNED}
        documents = []
        for file, units in files.items():
            document_id = stable_id(package_id, file)
            key = tenant_key(TENANT, "packages", package_id, "documents", f"{document_id}.json")
            await self.store.put_bytes(key, json.dumps({"file": file, "doc_type": file[-3:], "units": units}).encode())
            documents.append(IngestedDocument(document_id=document_id, file=file, doc_type=file[-3:], pages=1,
                                              text_key=key))
        event = PackageIngested(package_id=package_id, request=JobRequest(workspace="harbour"), documents=documents)
        envelope = Envelope.wrap(event, source="test", tenant_id=TENANT, job_id=f"job-{package_id}")
        prepared = await handlers.read_chunks(event, envelope, store=self.store)
        async with self.runtime.transaction() as uow:
            await handlers.index_package(event, envelope, uow, prepared, default_backend=backend)
        return event

    async def sync(self, syncing: Syncing | None = None) -> None:
        """Claim the next sync and run it to its end (or its exception)."""
        assert await sync_worker(syncing or self.syncing).run_next()

    async def sync_again(self, sync_id: str, syncing: Syncing | None = None) -> None:
        """Run a sync that is still claimed, as the replica that picks it up after a crash would."""
        async with self.runtime.sessions() as session:
            row = (await session.execute(select(anythingllm_syncs).where(anythingllm_syncs.c.id == sync_id))).one()
        await sync_package(task_from_row(row), Claim(sync_id), syncing=syncing or self.syncing)

    async def events(self) -> list[dict]:
        """The package's events; the workspace's own (created by the first upload) are tested elsewhere."""
        async with self.runtime.sessions() as session:
            outbox = self.runtime.tables.outbox
            payloads = (await session.execute(select(outbox.c.payload).order_by(outbox.c.id))).scalars()
            return [event for event in map(json.loads, payloads) if "workspace-" not in event["type"]]

    async def rows(self, table) -> list:
        async with self.runtime.sessions() as session:
            return (await session.execute(select(table))).all()

    def with_backend(self, backend: AnythingLLMBackend | None, attempts: int = 3) -> Syncing:
        return Syncing(self.runtime.transaction, self.store, backend, attempts)


@pytest.fixture
async def harness(tmp_path: Path, fake_anythingllm: FakeAnythingLLM) -> AsyncIterator[Harness]:
    store = LocalObjectStore(tmp_path / "storage")
    settings = WorkspaceSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}",
                                 storage=StorageSettings(root=tmp_path / "storage"), default_backend="anythingllm",
                                 anythingllm=anythingllm_settings(fake_anythingllm))
    service = build_service(settings, transport=InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, service.runtime.database_url)
    client = AnythingLLMClient.from_settings(settings.anythingllm, retry_wait_seconds=0.01)
    syncing = Syncing(service.runtime.transaction, store, AnythingLLMBackend(client, settings.anythingllm),
                      attempts=3)
    try:
        yield Harness(service.runtime, store, fake_anythingllm, syncing)
    finally:
        await client.aclose()
        for hook in service.on_stop:
            await hook()
        await service.runtime.engine.dispose()


def types(events: list[dict]) -> list[str]:
    return [event["type"].split(".")[2] for event in events]


async def test_a_package_is_uploaded_embedded_verified_and_only_then_announced(harness: Harness):
    event = await harness.ingest()
    assert await harness.events() == []  # nothing is announced before AnythingLLM has the documents
    assert len(await harness.rows(chunks)) > 0  # the builtin chunks are kept for search and citations
    assert harness.fake.requests == []  # no remote call inside the handler's transaction

    await harness.sync()

    name = workspace_name(WORKSPACE_ID)
    [workspace] = harness.fake.workspace_names(name)
    assert {key: workspace[key] for key in ("chatMode", "topN", "similarityThreshold", "openAiTemp",
                                            "openAiHistory", "queryRefusalResponse", "openAiPrompt")} == {
        "chatMode": "query", "topN": 5, "similarityThreshold": 0.25, "openAiTemp": 0.0, "openAiHistory": 0,
        "queryRefusalResponse": QUERY_REFUSAL, "openAiPrompt": SYSTEM_PROMPT}
    stored = {document["title"]: document for document in harness.fake.documents.values()}
    assert sorted(stored) == ["notice.pdf", "prices.csv"]  # the scanned PDF has no text to upload
    assert all(location.startswith(f"{name}/") for location in harness.fake.documents)
    notice = stored["notice.pdf"]
    assert notice["chunkSource"] == f"tenderflow://document/{event.documents[0].document_id}"
    assert "⟦page 2⟧ Time limit for receipt of tenders" in notice["pageContent"]
    assert "⟦row 3⟧" in stored["prices.csv"]["pageContent"]
    assert sorted(row["docpath"] for row in harness.fake.documents_of(workspace["id"])) == \
        sorted(harness.fake.documents)

    [indexed] = await harness.events()
    assert types([indexed]) == ["documents-indexed"]
    assert indexed["data"]["backend"] == "anythingllm" and indexed["data"]["documents"] == 3
    assert indexed["data"]["chunks"] == len(await harness.rows(chunks))
    assert indexed["jobid"] == "job-pkg-1"
    recorded = {row.document_id: row.location for row in await harness.rows(anythingllm_documents)}
    assert sorted(recorded.values()) == sorted(harness.fake.documents)
    [sync] = await harness.rows(anythingllm_syncs)
    assert sync.status == "indexed" and sync.attempts == 1
    assert harness.fake.api_key not in json.dumps(await harness.events()) + repr(await harness.rows(anythingllm_syncs))


async def test_a_redelivered_package_records_no_second_sync(harness: Harness):
    await harness.ingest()
    await harness.ingest()
    assert len(await harness.rows(anythingllm_syncs)) == 1


async def test_a_second_package_reuses_the_workspace_and_embeds_only_its_own_documents(harness: Harness):
    await harness.ingest("pkg-1")
    await harness.sync()
    await harness.ingest("pkg-2", files={"award.pdf": PDF})
    await harness.sync()
    assert len(harness.fake.calls("POST", "/workspace/new")) == 1
    assert len(harness.fake.calls("POST", "/workspace/*/update")) == 0  # created with the settings already
    adds = [call.json()["adds"] for call in harness.fake.calls("POST", "/workspace/*/update-embeddings")]
    assert [len(a) for a in adds] == [2, 1]
    assert types(await harness.events()) == ["documents-indexed", "documents-indexed"]


async def test_a_sync_run_again_after_a_crash_repeats_nothing_that_was_done(harness: Harness):
    await harness.ingest()
    harness.fake.fail("POST", "/workspace/*/update-embeddings", status=500)
    with pytest.raises(AnythingLLMUnavailable):
        await harness.sync()
    [sync] = await harness.rows(anythingllm_syncs)
    assert sync.status == "syncing" and sync.last_error == "AnythingLLM could not be reached"
    assert await harness.events() == []

    await harness.sync_again(sync.id)

    assert len(harness.fake.calls("POST", "/workspace/new")) == 1
    assert len(harness.fake.calls("POST", "/document/upload/*")) == 2
    assert len(harness.fake.workspace_documents) == 2
    assert types(await harness.events()) == ["documents-indexed"]


async def test_settings_changed_by_hand_in_anythingllm_are_pushed_back(harness: Harness):
    await harness.ingest()
    await harness.sync()
    [workspace] = harness.fake.workspace_names(workspace_name(WORKSPACE_ID))
    workspace["chatMode"] = "chat"
    await harness.ingest("pkg-2", files={"award.pdf": PDF})
    await harness.sync()
    assert workspace["chatMode"] == "query"


async def test_an_upload_whose_answer_was_lost_is_found_and_not_sent_again(harness: Harness):
    await harness.ingest()
    harness.fake.lose_response("POST", "/document/upload/*")
    await harness.sync()
    assert len(harness.fake.calls("POST", "/document/upload/*")) == 2
    assert len(harness.fake.documents) == 2
    assert types(await harness.events()) == ["documents-indexed"]


async def test_a_workspace_create_whose_answer_was_lost_is_found_and_not_sent_again(harness: Harness):
    await harness.ingest()
    harness.fake.lose_response("POST", "/workspace/new", hang=True)
    await harness.sync()
    assert len(harness.fake.workspaces) == 1
    assert types(await harness.events()) == ["documents-indexed"]


async def test_a_silent_embedding_failure_ends_the_indexing_with_a_clear_reason(harness: Harness):
    event = await harness.ingest()
    harness.fake.fail_embedding(event.documents[1].document_id)  # prices.csv
    await harness.sync()
    [failed] = await harness.events()
    assert types([failed]) == ["indexing-failed"]
    reason = failed["data"]["reason"]
    assert reason.startswith("The package could not be indexed: AnythingLLM did not embed prices.csv: missing from")
    assert "update-embeddings" in reason and "notice.pdf" not in reason
    [sync] = await harness.rows(anythingllm_syncs)
    assert sync.status == "failed"


async def test_a_refused_key_fails_at_once_without_showing_the_key(harness: Harness):
    await harness.ingest()
    wrong = AnythingLLMClient(harness.fake.base_url, "wrong-key-123", retry_wait_seconds=0.01)
    await harness.sync(harness.with_backend(AnythingLLMBackend(wrong, anythingllm_settings(harness.fake))))
    await wrong.aclose()
    [failed] = await harness.events()
    assert failed["data"]["reason"] == ("The package could not be indexed: AnythingLLM refused the API key "
                                        "(TENDERFLOW_ANYTHINGLLM_API_KEY)")
    assert "wrong-key-123" not in json.dumps(failed)


async def test_an_unreachable_server_is_tried_again_then_fails_with_a_reason(harness: Harness):
    await harness.ingest()
    down = AnythingLLMClient("http://127.0.0.1:9", "key", connect_timeout=0.2, retry_attempts=1,
                             retry_wait_seconds=0.01)
    syncing = harness.with_backend(AnythingLLMBackend(down, anythingllm_settings(harness.fake)), attempts=2)
    with pytest.raises(AnythingLLMUnavailable):
        await harness.sync(syncing)
    [sync] = await harness.rows(anythingllm_syncs)
    await harness.sync_again(sync.id, syncing)
    await down.aclose()
    [failed] = await harness.events()
    assert failed["data"]["reason"] == ("The package could not be indexed: AnythingLLM could not be reached "
                                        "(after 2 attempts)")


async def test_without_a_configured_server_the_sync_fails_with_a_reason(harness: Harness):
    await harness.ingest()
    await harness.sync(harness.with_backend(None))
    [failed] = await harness.events()
    assert "no AnythingLLM server is configured" in failed["data"]["reason"]


async def test_builtin_workspaces_are_announced_at_once_and_never_reach_anythingllm(harness: Harness):
    await harness.ingest(backend="builtin")
    [indexed] = await harness.events()
    assert indexed["data"]["backend"] == "builtin"
    assert await harness.rows(anythingllm_syncs) == []
    assert harness.fake.requests == []


async def test_deleting_removes_the_anythingllm_workspace_and_its_documents(harness: Harness):
    await harness.ingest()
    await harness.sync()
    harness.fake.documents["custom-documents/other.json"] = {"id": "x"}  # someone else's document stays
    await harness.syncing.backend.delete_workspace(WORKSPACE_ID)
    await harness.syncing.backend.delete_workspace(WORKSPACE_ID)  # again: nothing left, nothing fails
    assert harness.fake.workspaces == {} and harness.fake.vectors == []
    assert list(harness.fake.documents) == ["custom-documents/other.json"]


def test_the_anythingllm_default_needs_a_server_and_the_key_stays_secret(fake_anythingllm):
    with pytest.raises(ValidationError, match="TENDERFLOW_ANYTHINGLLM_BASE_URL"):
        WorkspaceSettings(default_backend="anythingllm", anythingllm=AnythingLLMSettings())
    settings = WorkspaceSettings(default_backend="anythingllm", anythingllm=anythingllm_settings(fake_anythingllm))
    assert fake_anythingllm.api_key not in repr(settings) + str(settings.model_dump())
