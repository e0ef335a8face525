"""A job purged before its package reached ingest (a forced delete of a queued upload): the package that arrives
later, or another system's upload sent again after the purge, is deleted from storage and nothing of it is
recorded or announced; a second delivery of either changes nothing, and another tenant's purge of the same job id
does not touch it."""

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from tenderflow_common.consumer import MessageConsumer
from tenderflow_common.contracts.ingest import IngestPackage
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.topics import UPLOADS
from tenderflow_common.transport import Record
from tenderflow_ingest import consumers
from tenderflow_ingest.main import MIGRATIONS, build_service
from tenderflow_ingest.models import cancelled_jobs, documents, messaging, packages, purged_jobs
from tenderflow_ingest.settings import IngestSettings

pytestmark = pytest.mark.integration


class Ingest:
    """Ingest's consumer over its PostgreSQL schema and a local store, as the service routes messages."""

    def __init__(self, sessions, store: LocalObjectStore) -> None:
        self.sessions = sessions
        self.store = store
        self.dead: list[dict[str, str]] = []
        self.wakes = 0
        self._offset = 0
        self.consumer = MessageConsumer("tenderflow-ingest", sessions, messaging, consumers.routes(self._wake, store),
                                        self._dead_letter, attempts=2, backoff_seconds=0.01)

    def _wake(self) -> None:
        self.wakes += 1

    async def _dead_letter(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        self.dead.append(headers)

    async def deliver(self, envelope: Envelope, topic: str = "any") -> None:
        self._offset += 1
        await self.consumer.consume(Record(topic=topic, partition=0, offset=self._offset, key=b"k",
                                           value=envelope.to_bytes()))

    async def count(self, table) -> int:
        async with self.sessions() as session:
            return await session.scalar(select(func.count()).select_from(table))


@pytest.fixture
async def ingest(fresh_database_url: str, tmp_path: Path):
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    try:
        yield Ingest(session_factory(engine), LocalObjectStore(tmp_path / "storage"))
    finally:
        await engine.dispose()


async def put_archive(store: LocalObjectStore, key: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("terms.txt", "Tenders are due on 15 March 2026.")
    await store.put_bytes(key, buffer.getvalue())


def purge(tenant: str, job_id: str) -> Envelope:
    return Envelope.wrap(JobPurged(reason="deleted"), source="tenderflow/jobs", tenant_id=tenant, job_id=job_id)


async def assert_nothing_recorded(ingest: Ingest) -> None:
    assert await ingest.count(packages) == 0
    assert await ingest.count(documents) == 0
    assert await ingest.count(messaging.outbox) == 0, "nothing goes downstream"
    assert ingest.wakes == 0 and ingest.dead == []


async def test_a_package_arriving_after_its_jobs_purge_is_deleted_and_never_recorded(ingest: Ingest) -> None:
    key = tenant_key("acme", "uploads", "job-1", "tender.zip")
    await put_archive(ingest.store, key)
    command = IngestPackage(package_key=key, filename="tender.zip", size=1, sha256="0" * 64,
                            request=JobRequest(workspace="harbour"))

    for _ in range(2):  # the purge and the package each delivered twice (as new messages, past deduplication)
        await ingest.deliver(purge("acme", "job-1"))
        await ingest.deliver(Envelope.wrap(command, source="tenderflow/gateway", tenant_id="acme", job_id="job-1"))

    assert not await ingest.store.exists(key)
    await assert_nothing_recorded(ingest)
    assert await ingest.count(purged_jobs) == 1


async def test_another_tenants_purge_of_the_same_job_id_leaves_the_package_to_be_ingested(ingest: Ingest) -> None:
    key = tenant_key("acme", "uploads", "job-1", "tender.zip")
    await put_archive(ingest.store, key)
    await ingest.deliver(purge("globex", "job-1"))
    await ingest.deliver(Envelope.wrap(
        IngestPackage(package_key=key, filename="tender.zip", size=1, sha256="0" * 64, request=JobRequest()),
        source="tenderflow/gateway", tenant_id="acme", job_id="job-1"))

    assert await ingest.store.exists(key)
    assert await ingest.count(packages) == 1 and ingest.wakes == 1


async def test_an_upload_event_sent_again_after_its_jobs_purge_is_deleted_and_never_recorded(ingest: Ingest) -> None:
    key = tenant_key("acme", "inbox", "order-42.zip")
    job_id = stable_id("acme", "upload", "order-42")  # the job ingest gives this upload
    await ingest.deliver(purge("acme", job_id))

    for _ in range(2):
        await put_archive(ingest.store, key)  # the other system stores and announces the same upload again
        event = UploadReceived(object=key, idempotency_key="order-42", request=JobRequest(workspace="inbox"))
        await ingest.deliver(Envelope.wrap(event, source="erp", tenant_id="acme", job_id="order-42"), UPLOADS)
        assert not await ingest.store.exists(key)

    await assert_nothing_recorded(ingest)


async def test_purged_and_cancelled_jobs_are_forgotten_with_the_processed_messages(fresh_database_url: str,
                                                                                   tmp_path: Path) -> None:
    settings = IngestSettings(database_url=fresh_database_url, storage=StorageSettings(root=tmp_path / "storage"))
    service = build_service(settings, transport=InMemoryTransport())
    runtime = service.runtime
    await upgrade_to_head(MIGRATIONS, runtime.database_url)
    retention = timedelta(hours=settings.messaging.processed_retention_hours)
    try:
        async with runtime.sessions() as session, session.begin():
            await session.execute(insert(purged_jobs).values(tenant_id="acme", job_id="job-1"))
            await session.execute(insert(cancelled_jobs).values(job_id="job-2"))
        now = datetime.now(UTC)
        await runtime.housekeeping.delete_some(now + retention - timedelta(minutes=5))
        assert (await count(runtime, purged_jobs), await count(runtime, cancelled_jobs)) == (1, 1)

        await runtime.housekeeping.delete_some(now + retention + timedelta(minutes=5))
        assert (await count(runtime, purged_jobs), await count(runtime, cancelled_jobs)) == (0, 0)
    finally:
        await runtime.engine.dispose()


async def count(runtime, table) -> int:
    async with runtime.sessions() as session:
        return await session.scalar(select(func.count()).select_from(table))
