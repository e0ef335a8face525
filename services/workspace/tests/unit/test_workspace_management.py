"""Workspaces as a resource through the internal API, on a migrated SQLite database and the fake AnythingLLM."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from tenderflow_common.anythingllm import AnythingLLMClient
from tenderflow_common.anythingllm.naming import workspace_name
from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.settings import AnythingLLMSettings, StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM
from tenderflow_workspace import handlers
from tenderflow_workspace.anythingllm import AnythingLLMBackend
from tenderflow_workspace.main import MIGRATIONS, build_service
from tenderflow_workspace.models import anythingllm_documents, anythingllm_syncs, chunks, documents, workspaces
from tenderflow_workspace.settings import WorkspaceSettings
from tenderflow_workspace.syncing import Syncing, sync_worker

TENANT, OTHER = "acme", "globex"
NOTICE = [{"text": f"Contract notice, page {page}. The buyer is the Port of Oslo. " * 30, "page": page, "path": None,
           "row": None} for page in (1, 2, 3)]


@dataclass
class Workspaces:
    runtime: ServiceRuntime
    app: httpx.AsyncClient
    signer: InternalTokenSigner
    store: LocalObjectStore
    syncing: Syncing
    fake: FakeAnythingLLM

    async def call(self, method: str, path: str, tenant: str = TENANT, **kwargs) -> httpx.Response:
        token = self.signer.sign("workspace", {"read", "write"}, tenant)
        return await self.app.request(method, f"/internal{path}", headers={"Authorization": f"Bearer {token}"},
                                      **kwargs)

    async def create(self, name: str, backend: str = "builtin", **settings) -> dict:
        response = await self.call("POST", "/workspaces", json={"name": name, "backend": backend,
                                                                "settings": settings})
        assert response.status_code == 201, response.text
        return response.json()

    async def ingest(self, workspace: str, package_id: str = "pkg-1", sent_at: datetime | None = None,
                     **request) -> None:
        """Index a package as the consumer would, for an upload that named `workspace`, ingested at `sent_at`."""
        document_id = stable_id(package_id, "notice.pdf")
        key = tenant_key(TENANT, "packages", package_id, "documents", f"{document_id}.json")
        await self.store.put_bytes(key, json.dumps({"units": NOTICE}).encode())
        event = PackageIngested(package_id=package_id, request=JobRequest(workspace=workspace, **request), documents=[
            IngestedDocument(document_id=document_id, file="notice.pdf", doc_type="pdf", pages=1, text_key=key)])
        envelope = Envelope.wrap(event, source="test", tenant_id=TENANT, job_id=f"job-{package_id}")
        envelope = envelope.model_copy(update={"time": sent_at}) if sent_at else envelope
        prepared = await handlers.read_chunks(event, envelope, store=self.store)
        async with self.runtime.transaction() as uow:
            await handlers.index_package(event, envelope, uow, prepared, default_backend="builtin")

    async def events(self, kind: str) -> list[dict]:
        async with self.runtime.sessions() as session:
            payloads = (await session.execute(select(self.runtime.tables.outbox.c.payload))).scalars()
            return [event for event in map(json.loads, payloads) if event["type"].split(".")[2] == kind]

    async def count(self, table) -> int:
        async with self.runtime.sessions() as session:
            return len((await session.execute(select(table))).all())


@pytest.fixture
async def service(tmp_path: Path, fake_anythingllm: FakeAnythingLLM) -> AsyncIterator[Workspaces]:
    anythingllm = AnythingLLMSettings(base_url=fake_anythingllm.base_url, api_key=SecretStr(fake_anythingllm.api_key),
                                      read_timeout_seconds=0.5, embed_timeout_seconds=2.0, top_n=5)
    settings = WorkspaceSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}",
                                 storage=StorageSettings(root=tmp_path / "storage"), anythingllm=anythingllm)
    built = build_service(settings, transport=InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, built.runtime.database_url)
    store = LocalObjectStore(tmp_path / "storage")
    client = AnythingLLMClient.from_settings(anythingllm, retry_wait_seconds=0.01)
    syncing = Syncing(built.runtime.transaction, store, AnythingLLMBackend(client, anythingllm), attempts=3)
    signer = InternalTokenSigner(settings.platform.signing_key, "gateway")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=built.app), base_url="http://workspace") as app:
        try:
            yield Workspaces(built.runtime, app, signer, store, syncing, fake_anythingllm)
        finally:
            await client.aclose()
            for hook in built.on_stop:
                await hook()
            await built.runtime.engine.dispose()


async def test_workspaces_are_created_listed_a_page_at_a_time_and_kept_to_their_tenant(service: Workspaces):
    for name in ("charlie", "alpha", "bravo"):
        await service.create(name, top_k=12)
    assert (await service.call("POST", "/workspaces", json={"name": "alpha"})).status_code == 409

    first = (await service.call("GET", "/workspaces", params={"limit": 2})).json()
    assert [w["name"] for w in first["workspaces"]] == ["alpha", "bravo"]
    second = (await service.call("GET", "/workspaces", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [w["name"] for w in second["workspaces"]] == ["charlie"] and second["next_cursor"] is None
    for cursor in ("%%%", "¥OE®", "gA"):  # not base64, not ASCII, not UTF-8 once decoded
        assert (await service.call("GET", "/workspaces", params={"cursor": cursor})).status_code == 422, cursor

    alpha = first["workspaces"][0]
    assert alpha["settings"]["top_k"] == 12 and alpha["indexing"] == "empty" and alpha["documents"] == 0
    assert (await service.call("GET", f"/workspaces/{alpha['id']}", tenant=OTHER)).status_code == 404
    assert (await service.call("GET", "/workspaces", tenant=OTHER)).json()["workspaces"] == []
    assert (await service.call("DELETE", f"/workspaces/{alpha['id']}", tenant=OTHER)).status_code == 404
    created = await service.events("workspace-created")
    assert sorted(e["data"]["name"] for e in created) == ["alpha", "bravo", "charlie"]
    assert all(e["jobid"] == e["data"]["workspace_id"] for e in created)


async def test_a_settings_patch_merges_and_announces_the_whole_new_settings(service: Workspaces):
    workspace = await service.create("harbour", top_k=12, model="extractive:default")
    path = f"/workspaces/{workspace['id']}"
    changed = await service.call("PATCH", path, json={"settings": {"question_set": "framework",
                                                                   "anythingllm": {"top_n": 3}}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["settings"] == {"question_set": "framework", "model": "extractive:default", "top_k": 12,
                                          "anythingllm": {"top_n": 3, "similarity_threshold": None,
                                                          "temperature": None}}
    cleared = (await service.call("PATCH", path, json={"settings": {"top_k": None, "anythingllm": None}})).json()
    assert cleared["settings"]["top_k"] is None and cleared["settings"]["anythingllm"]["top_n"] is None
    assert cleared["settings"]["question_set"] == "framework" and cleared["updated_at"] is not None
    assert (await service.call("PATCH", path, json={"settings": {"top_k": 0}})).status_code == 422
    updates = await service.events("workspace-updated")
    assert [u["data"]["settings"]["top_k"] for u in updates] == [12, None]


async def test_an_upload_names_a_workspace_by_id_or_by_name_and_an_unknown_name_creates_one(service: Workspaces):
    harbour = await service.create("harbour")
    await service.ingest(harbour["id"], "pkg-1")
    await service.ingest("fjord", "pkg-2")

    by_id = (await service.call("GET", f"/workspaces/{harbour['id']}")).json()
    assert by_id["documents"] == 1 and by_id["chunks"] > 0
    assert by_id["indexing"] == "indexed" and by_id["last_job_id"] == "job-pkg-1"
    listed = (await service.call("GET", "/workspaces")).json()["workspaces"]
    assert [(w["name"], w["documents"], w["indexing"]) for w in listed] == [("fjord", 1, "indexed"),
                                                                         ("harbour", 1, "indexed")]
    [created] = [e for e in await service.events("workspace-created") if e["data"]["name"] == "fjord"]
    assert created["jobid"] == "job-pkg-2"


async def test_the_workspace_defaults_reach_answering_and_its_top_k_bounds_search(service: Workspaces):
    harbour = await service.create("harbour", question_set="framework", model="openai:gpt-4o-mini", top_k=1)
    await service.ingest("harbour", "pkg-1")
    await service.ingest("harbour", "pkg-2", questions=[{"id": "q", "text": "Who buys?"}], model="ollama:llama3")
    requests = {e["data"]["package_id"]: e["data"]["request"] for e in await service.events("documents-indexed")}
    assert (requests["pkg-1"]["question_set"], requests["pkg-1"]["model"]) == ("framework", "openai:gpt-4o-mini")
    assert (requests["pkg-2"]["question_set"], requests["pkg-2"]["model"]) == (None, "ollama:llama3")

    found = await service.call("POST", f"/workspaces/{harbour['id']}/search", json={"query": "buyer", "top_k": 8})
    assert found.status_code == 200 and len(found.json()["passages"]) == 1
    await service.call("PATCH", f"/workspaces/{harbour['id']}", json={"settings": {"top_k": None}})
    found = await service.call("POST", f"/workspaces/{harbour['id']}/search", json={"query": "buyer", "top_k": 8})
    assert len(found.json()["passages"]) > 1


async def test_deleting_removes_every_row_the_anythingllm_workspace_and_announces_the_packages(
        service: Workspaces):
    harbour = await service.create("harbour", backend="anythingllm")
    await service.call("PATCH", f"/workspaces/{harbour['id']}", json={"settings": {"anythingllm": {"top_n": 3}}})
    await service.ingest("harbour", "pkg-1")
    indexing = (await service.call("GET", f"/workspaces/{harbour['id']}")).json()
    assert indexing["indexing"] == "indexing"
    assert await sync_worker(service.syncing).run_next()
    [remote] = service.fake.workspace_names(workspace_name(harbour["id"]))
    assert remote["topN"] == 3  # the workspace's own setting, not the installation's 5
    await service.create("keep")

    assert (await service.call("DELETE", f"/workspaces/{harbour['id']}")).status_code == 204

    assert service.fake.workspaces == {} and service.fake.documents == {}
    for table in (chunks, documents, anythingllm_documents, anythingllm_syncs):
        assert await service.count(table) == 0
    assert await service.count(workspaces) == 1  # the other workspace stays
    [deleted] = await service.events("workspace-deleted")
    assert deleted["data"] == {"workspace_id": harbour["id"], "name": "harbour", "package_ids": ["pkg-1"]}
    assert (await service.call("DELETE", f"/workspaces/{harbour['id']}")).status_code == 404


async def test_a_package_ingested_before_its_workspace_was_deleted_does_not_bring_it_back(service: Workspaces):
    harbour = await service.create("harbour")
    ingested_before = datetime.now(UTC)
    assert (await service.call("DELETE", f"/workspaces/{harbour['id']}")).status_code == 204

    await service.ingest(harbour["id"], "late", sent_at=ingested_before)
    await service.ingest("harbour", "late-by-name", sent_at=ingested_before)
    assert await service.count(workspaces) == 0 and await service.count(documents) == 0
    failed = await service.events("indexing-failed")
    assert [e["data"]["reason"] for e in failed] == ["The package could not be indexed: its workspace was deleted"] * 2

    await service.ingest("harbour", "after")  # a new upload after the deletion makes the workspace afresh
    assert [w["name"] for w in (await service.call("GET", "/workspaces")).json()["workspaces"]] == ["harbour"]


async def test_an_anythingllm_workspace_is_refused_where_no_server_is_configured(tmp_path: Path):
    settings = WorkspaceSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}")
    built = build_service(settings, transport=InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, built.runtime.database_url)
    token = InternalTokenSigner(settings.platform.signing_key, "gateway").sign("workspace", {"write"}, TENANT)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=built.app), base_url="http://w") as app:
        response = await app.post("/internal/workspaces", json={"name": "x", "backend": "anythingllm"},
                                  headers={"Authorization": f"Bearer {token}"})
    await built.runtime.engine.dispose()
    assert response.status_code == 422 and response.json()["type"].endswith("backend-unavailable")
