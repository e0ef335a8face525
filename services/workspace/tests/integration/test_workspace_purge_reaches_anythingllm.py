"""A purged package's documents leave the AnythingLLM server too (embedded and stored), while another package's
documents in the same workspace stay: removed by a leased worker after the purge's transaction, safe to repeat
after a crash or a second delivery, carried through a server that fails for a while, and also when a sync of the
package is still uploading as the purge lands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import delete, func, select, update

from tenderflow_common.anythingllm import AnythingLLMClient, AnythingLLMUnavailable
from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested, package_id_of
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.settings import AnythingLLMSettings, StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM
from tenderflow_workspace import handlers
from tenderflow_workspace.anythingllm import AnythingLLMBackend
from tenderflow_workspace.job_purge import job_purged
from tenderflow_workspace.main import MIGRATIONS, build_service
from tenderflow_workspace.models import (
    anythingllm_documents,
    anythingllm_removals,
    anythingllm_syncs,
    documents,
    messaging,
)
from tenderflow_workspace.removing import Removing, removal_worker
from tenderflow_workspace.settings import WorkspaceSettings
from tenderflow_workspace.syncing import Syncing, sync_worker

pytestmark = pytest.mark.integration
TENANT = "acme"
UNITS = [{"text": "Contract notice. The buyer is the Port of Oslo. " * 10, "page": 1, "path": None, "row": None},
         {"text": "Time limit for receipt of tenders: 15 March 2026 at 12:00.", "page": 2, "path": None, "row": None}]
EMBEDDINGS, REMOVALS = "/workspace/*/update-embeddings", "/system/remove-documents"


@dataclass
class Harness:
    runtime: ServiceRuntime
    store: LocalObjectStore
    fake: FakeAnythingLLM
    syncing: Syncing
    removing: Removing
    wakes: int = 0

    async def indexed(self, job_id: str) -> list[str]:
        """Index an upload job's package of two files into the workspace `harbour` and sync it to AnythingLLM;
        where AnythingLLM stores its documents."""
        await self.ingested(job_id)
        assert await sync_worker(self.syncing).run_next()
        async with self.runtime.sessions() as session:
            return sorted((await session.scalars(select(anythingllm_documents.c.location).join(documents).where(
                documents.c.package_id == package_id_of(job_id)))).all())

    async def ingested(self, job_id: str) -> None:
        """Index an upload job's package of two files into the workspace `harbour`, its sync left pending."""
        package_id = package_id_of(job_id)
        indexed = []
        for file in ("notice.pdf", "terms.pdf"):
            document_id = stable_id(package_id, file)
            key = tenant_key(TENANT, "packages", package_id, "documents", f"{document_id}.json")
            await self.store.put_bytes(key, json.dumps({"file": file, "doc_type": "pdf", "units": UNITS}).encode())
            indexed.append(IngestedDocument(document_id=document_id, file=file, doc_type="pdf", pages=2, text_key=key))
        event = PackageIngested(package_id=package_id, request=JobRequest(workspace="harbour"), documents=indexed)
        envelope = Envelope.wrap(event, source="test", tenant_id=TENANT, job_id=job_id)
        prepared = await handlers.read_chunks(event, envelope, store=self.store)
        async with self.runtime.transaction() as uow:
            await handlers.index_package(event, envelope, uow, prepared, default_backend="anythingllm")

    async def purge(self, job_id: str) -> None:
        """Deliver the job's purge to the workspace's handler, as the consumer does."""
        event = JobPurged(reason="deleted")
        async with self.runtime.transaction() as uow:
            await job_purged(event, Envelope.wrap(event, source="tenderflow/jobs", tenant_id=TENANT, job_id=job_id),
                             uow, wake_removal=self._wake)

    def _wake(self) -> None:
        self.wakes += 1

    async def remove(self) -> bool:
        """Claim the next removal (one whose holder was killed, once its lease ran out) and run it."""
        return await removal_worker(self.removing).run_next()

    async def lease_runs_out(self, tasks=anythingllm_removals) -> None:
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(update(tasks).values(claimed_at=datetime.now(UTC) - timedelta(minutes=5)))

    async def syncs(self, job_id: str) -> list:
        async with self.runtime.sessions() as session:
            return (await session.execute(select(anythingllm_syncs).where(anythingllm_syncs.c.job_id == job_id))).all()

    async def announced(self) -> int:
        """How many events the workspace has put in its outbox."""
        async with self.runtime.sessions() as session:
            return await session.scalar(select(func.count()).select_from(messaging.outbox))

    async def removals(self) -> list:
        async with self.runtime.sessions() as session:
            return (await session.execute(select(anythingllm_removals))).all()

    def held(self) -> tuple[set[str], set[str], set[str]]:
        """What the fake AnythingLLM holds: stored documents, embedded documents, and documents with vectors."""
        return (set(self.fake.documents), {row["docpath"] for row in self.fake.workspace_documents},
                {vector["docpath"] for vector in self.fake.vectors})


@pytest.fixture
async def harness(fresh_database_url: str, tmp_path: Path, fake_anythingllm: FakeAnythingLLM
                  ) -> AsyncIterator[Harness]:
    anythingllm = AnythingLLMSettings(base_url=fake_anythingllm.base_url, api_key=SecretStr(fake_anythingllm.api_key),
                                      read_timeout_seconds=2.0, embed_timeout_seconds=5.0)
    settings = WorkspaceSettings(database_url=fresh_database_url, storage=StorageSettings(root=tmp_path / "storage"),
                                 default_backend="anythingllm", anythingllm=anythingllm)
    service = build_service(settings, transport=InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, service.runtime.database_url)
    client = AnythingLLMClient.from_settings(anythingllm, retry_wait_seconds=0.01)
    backend = AnythingLLMBackend(client, anythingllm)
    store = LocalObjectStore(tmp_path / "storage")
    try:
        yield Harness(service.runtime, store, fake_anythingllm, Syncing(service.runtime.transaction, store, backend, 3),
                      Removing(service.runtime.transaction, backend))
    finally:
        await client.aclose()
        for hook in service.on_stop:
            await hook()
        await service.runtime.engine.dispose()


async def test_a_purged_package_leaves_anythingllm_and_a_second_purge_changes_nothing(harness: Harness):
    purged, kept = await harness.indexed("job-purged"), await harness.indexed("job-kept")
    assert len(purged) == 2 and all(set(purged) <= held for held in harness.held())

    await harness.purge("job-purged")
    assert all(set(purged) <= held for held in harness.held()), "the consumer's transaction calls no server"
    assert harness.wakes == 1
    assert await harness.remove()

    for held in harness.held():
        assert not held & set(purged), "neither stored nor embedded nor in the vectors"
        assert set(kept) <= held, "the other package in the same workspace stays"
    [removal] = await harness.removals()
    assert removal.status == "removed" and removal.attempts == 1
    assert [call.json()["deletes"] for call in harness.fake.calls("POST", EMBEDDINGS)][-1] == purged
    assert [call.json()["names"] for call in harness.fake.calls("DELETE", REMOVALS)] == [purged]

    writes = len(harness.fake.calls("POST")) + len(harness.fake.calls("DELETE"))
    await harness.purge("job-purged")
    assert not await harness.remove(), "a second delivery finds nothing to remove"
    assert len(harness.fake.calls("POST")) + len(harness.fake.calls("DELETE")) == writes
    assert harness.wakes == 1 and len(await harness.removals()) == 1
    assert all(set(kept) <= held for held in harness.held())

    retention = timedelta(hours=harness.runtime.settings.messaging.processed_retention_hours)
    await harness.runtime.housekeeping.delete_some(datetime.now(UTC) + retention - timedelta(minutes=5))
    assert len(await harness.removals()) == 1
    await harness.runtime.housekeeping.delete_some(datetime.now(UTC) + retention + timedelta(minutes=5))
    assert await harness.removals() == [], "a finished removal is forgotten with the processed messages"


async def test_a_server_failing_for_a_while_still_ends_with_the_documents_gone(harness: Harness):
    purged, kept = await harness.indexed("job-purged"), await harness.indexed("job-kept")
    await harness.purge("job-purged")
    # The embedding change happens but its answer is lost; then deleting the files fails past the client's retries.
    harness.fake.lose_response("POST", EMBEDDINGS)
    harness.fake.fail("DELETE", REMOVALS, status=500, times=3)

    for _ in range(2):
        with pytest.raises(AnythingLLMUnavailable):
            await harness.remove()
        [removal] = await harness.removals()
        assert removal.status == "removing" and removal.last_error == "AnythingLLM could not be reached"
        assert not await harness.remove(), "claimed again only once its lease runs out"
        await harness.lease_runs_out()
    assert await harness.remove()

    for held in harness.held():
        assert not held & set(purged) and set(kept) <= held
    [removal] = await harness.removals()
    assert (removal.status, removal.attempts) == ("removed", 3)
    assert len(harness.fake.calls("POST", EMBEDDINGS)) == 2 + 1, "the lost embedding change is not sent again"


async def test_documents_uploaded_by_a_sync_killed_before_it_recorded_them_are_found_and_removed(harness: Harness):
    purged, kept = await harness.indexed("job-purged"), await harness.indexed("job-kept")
    async with harness.runtime.sessions() as session, session.begin():  # the sync's last commit never happened
        await session.execute(delete(anythingllm_documents).where(anythingllm_documents.c.location.in_(purged)))
        await session.execute(update(anythingllm_syncs).where(anythingllm_syncs.c.job_id == "job-purged")
                              .values(status="syncing", finished_at=None))

    await harness.purge("job-purged")
    assert await harness.remove()
    [removal] = await harness.removals()
    assert removal.status == "removing" and all(set(purged) <= held for held in harness.held()), \
        "the sync's lease had not run out: it might still be uploading, so the removal waits"
    assert not harness.fake.calls("DELETE", REMOVALS)

    await harness.lease_runs_out(anythingllm_syncs)
    await harness.lease_runs_out()
    assert await harness.remove()

    for held in harness.held():
        assert not held & set(purged) and set(kept) <= held
    [removal] = await harness.removals()
    assert removal.status == "removed"


async def test_a_document_the_server_reports_gone_counts_as_removed(harness: Harness):
    purged = await harness.indexed("job-purged")
    await harness.purge("job-purged")
    harness.fake.lose_response("DELETE", REMOVALS, status=404)  # removed, then answered "not found"
    assert await harness.remove()
    [removal] = await harness.removals()
    assert removal.status == "removed"
    assert not any(held & set(purged) for held in harness.held())


@dataclass
class UploadGate:
    """Holds a sync just before its second upload until the test opens it, so the purge lands mid-sync."""

    reached: asyncio.Event
    opened: asyncio.Event


@pytest.fixture
async def gated(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Syncing, UploadGate]]:
    """A sync of its own client, whose second upload waits at the gate."""
    anythingllm = harness.syncing.backend.settings
    client = AnythingLLMClient.from_settings(anythingllm, retry_wait_seconds=0.01)
    gate, upload, uploads = UploadGate(asyncio.Event(), asyncio.Event()), client.upload_document, []

    async def held_upload(*args, **kwargs):
        uploads.append(args)
        if len(uploads) == 2:
            gate.reached.set()
            await gate.opened.wait()
        return await upload(*args, **kwargs)

    monkeypatch.setattr(client, "upload_document", held_upload)
    try:
        yield Syncing(harness.runtime.transaction, harness.store, AnythingLLMBackend(client, anythingllm), 3), gate
    finally:
        await client.aclose()


async def test_a_sync_uploading_after_the_purge_leaves_nothing_once_it_ends(harness: Harness, gated):
    syncing, gate = gated
    kept = await harness.indexed("job-kept")
    await harness.ingested("job-purged")
    announced = await harness.announced()
    sync = asyncio.create_task(sync_worker(syncing, heartbeat_seconds=0.05).run_next())
    await asyncio.wait_for(gate.reached.wait(), 10)
    assert len(harness.held()[0]) == len(kept) + 1, "one of the package's two files is stored already"

    await harness.purge("job-purged")
    [sync_row] = await harness.syncs("job-purged")
    assert sync_row.status == "purged", "the sync holds its claim, so its row stays for the removal to see"
    assert await harness.remove()
    [removal] = await harness.removals()
    assert removal.status == "removing" and not harness.fake.calls("DELETE", REMOVALS), \
        "the removal waits while the sync may still upload"
    await asyncio.sleep(0.2)  # the sync's heartbeat renews its claim meanwhile
    assert await harness.remove() is False, "claimed again only once its own lease runs out"
    await harness.lease_runs_out()
    assert await harness.remove()
    assert not harness.fake.calls("DELETE", REMOVALS), "still waiting: the sync renewed its claim"

    gate.opened.set()  # the second file is uploaded after the purge, then embedded
    assert await asyncio.wait_for(sync, 10)
    assert len(harness.held()[1]) == len(kept) + 2, "the sync embedded both files before it found the purge"
    [sync_row] = await harness.syncs("job-purged")
    assert sync_row.status == "purged" and sync_row.finished_at is not None, "the sync ended"
    assert await harness.announced() == announced, "without announcing anything"
    [removal] = await harness.removals()
    assert removal.status == "pending", "the sync's end runs the removal again"
    assert await harness.remove()

    assert harness.held() == (set(kept), set(kept), set(kept)), "only the other package's documents are left"
    [removal] = await harness.removals()
    assert removal.status == "removed"


async def test_a_sync_that_wakes_after_the_removal_ran_has_its_uploads_removed_too(harness: Harness, gated):
    syncing, gate = gated
    kept = await harness.indexed("job-kept")
    await harness.ingested("job-purged")
    sync = asyncio.create_task(sync_worker(syncing, heartbeat_seconds=3600).run_next())  # never renews: frozen
    await asyncio.wait_for(gate.reached.wait(), 10)

    await harness.purge("job-purged")
    await harness.lease_runs_out(anythingllm_syncs)
    assert await harness.remove()
    [removal] = await harness.removals()
    assert removal.status == "removed" and harness.held()[0] == set(kept), \
        "with the sync's lease run out the removal takes what the server holds"

    gate.opened.set()  # the sync wakes and uploads its second file, into a purged package
    assert await asyncio.wait_for(sync, 10)
    assert len(harness.held()[0]) == len(kept) + 1
    [removal] = await harness.removals()
    assert removal.status == "pending" and removal.finished_at is None
    assert await harness.remove()

    assert harness.held() == (set(kept), set(kept), set(kept))
    retention = timedelta(hours=harness.runtime.settings.messaging.processed_retention_hours)
    await harness.runtime.housekeeping.delete_some(datetime.now(UTC) + retention + timedelta(minutes=5))
    assert await harness.syncs("job-purged") == [], "the purged sync is forgotten with the processed messages"
    assert len(await harness.syncs("job-kept")) == 1, "a sync that was not purged stays"


async def test_a_sync_that_ends_while_the_removal_runs_makes_it_run_again(harness: Harness, gated,
                                                                          monkeypatch: pytest.MonkeyPatch):
    syncing, gate = gated
    kept = await harness.indexed("job-kept")
    await harness.ingested("job-purged")
    sync = asyncio.create_task(sync_worker(syncing, heartbeat_seconds=3600).run_next())
    await asyncio.wait_for(gate.reached.wait(), 10)
    await harness.purge("job-purged")
    await harness.lease_runs_out(anythingllm_syncs)
    client = harness.removing.backend.client
    remove_documents = client.remove_documents

    async def sync_ends_meanwhile(*args, **kwargs):
        gate.opened.set()  # the frozen sync wakes, uploads its second file and ends, while the removal runs
        assert await asyncio.wait_for(sync, 10)
        return await remove_documents(*args, **kwargs)

    monkeypatch.setattr(client, "remove_documents", sync_ends_meanwhile)
    assert await harness.remove()
    [removal] = await harness.removals()
    assert removal.status == "pending", "the removal that ran as the sync ended could not end it"
    monkeypatch.setattr(client, "remove_documents", remove_documents)
    assert await harness.remove()

    assert harness.held() == (set(kept), set(kept), set(kept))
    [removal] = await harness.removals()
    assert removal.status == "removed"


async def test_a_package_delivered_after_its_jobs_purge_is_not_indexed_or_synced(harness: Harness):
    kept = await harness.indexed("job-kept")
    await harness.purge("job-late")  # the purge overtakes ingest's event, which travels on another topic
    announced, requests = await harness.announced(), len(harness.fake.requests)
    await harness.ingested("job-late")

    async with harness.runtime.sessions() as session:
        indexed = await session.scalar(select(func.count()).select_from(documents).where(
            documents.c.package_id == package_id_of("job-late")))
    assert indexed == 0 and await harness.syncs("job-late") == [] and await harness.announced() == announced
    assert not await sync_worker(harness.syncing).run_next()
    assert len(harness.fake.requests) == requests and harness.held() == (set(kept), set(kept), set(kept))

    retention = timedelta(hours=harness.runtime.settings.messaging.processed_retention_hours)
    await harness.runtime.housekeeping.delete_some(datetime.now(UTC) + retention + timedelta(minutes=5))
    await harness.ingested("job-late")
    assert len(await harness.syncs("job-late")) == 1, "the purge is forgotten with the processed messages"
