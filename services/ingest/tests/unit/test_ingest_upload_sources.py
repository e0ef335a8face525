"""Upload events are accepted only from a source allowed to upload for the event's tenant; the rest are
dead-lettered with the reason before storage is read."""

import zipfile

import pytest
from sqlalchemy import select

from tenderflow_common.consumer import MessageConsumer, Unprocessable
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.topics import UPLOADS
from tenderflow_common.transport import Record
from tenderflow_ingest import consumers
from tenderflow_ingest.models import messaging, metadata, packages
from tenderflow_ingest.settings import IngestSettings
from tenderflow_ingest.upload_sources import UploadSources

ALLOWLIST = UploadSources.from_mapping({"erp.example": ["t1", "t2"], "dms.example": ["t3"]})


@pytest.mark.parametrize(("source", "tenant", "reason"), [
    ("erp.example", "t3", "source 'erp.example' may not upload for tenant 't3'"),
    ("dms.example", "t1", "source 'dms.example' may not upload for tenant 't1'"),
    ("unknown.example", "t1", "source 'unknown.example' is not an allowed upload source"),
])
def test_a_source_is_refused_for_tenants_it_is_not_mapped_to(source, tenant, reason):
    with pytest.raises(Unprocessable, match=reason):
        ALLOWLIST.check(source, tenant)


def test_a_source_is_accepted_for_its_own_tenants():
    for source, tenant in [("erp.example", "t1"), ("erp.example", "t2"), ("dms.example", "t3")]:
        ALLOWLIST.check(source, tenant)


def test_the_allowlist_is_read_from_json_and_production_without_one_accepts_nothing(monkeypatch):
    monkeypatch.setenv("TENDERFLOW_INGEST_UPLOAD_SOURCES", '{"erp.example": ["t1"]}')
    assert IngestSettings().upload_allowlist() == UploadSources({"erp.example": frozenset({"t1"})})
    monkeypatch.delenv("TENDERFLOW_INGEST_UPLOAD_SOURCES")
    monkeypatch.setenv("TENDERFLOW_ENV", "production")
    monkeypatch.setenv("TENDERFLOW_INTERNAL_SIGNING_KEY", "Zq8vN3xL0pW7rT2yK5mB9cH4dF6gJ1sA8eU3iO0")
    with pytest.raises(Unprocessable, match="not an allowed upload source"):
        IngestSettings().upload_allowlist().check("erp.example", "t1")
    monkeypatch.setenv("TENDERFLOW_ENV", "development")
    IngestSettings().upload_allowlist().check("erp.example", "t1")


@pytest.fixture
async def consumer(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    store = LocalObjectStore(tmp_path / "storage")
    dead: list[dict[str, str]] = []

    async def dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        dead.append(headers)

    consumer = MessageConsumer("tenderflow-ingest", session_factory(engine), messaging,
                               consumers.routes(lambda: None, store, None, ALLOWLIST), dead_letter,
                               attempts=3, backoff_seconds=0.01)
    yield consumer, store, dead
    await engine.dispose()


async def test_only_the_allowed_source_gets_a_package_recorded(consumer):
    consumer, store, dead = consumer
    for tenant in ("t1", "t3"):
        path = store.path_of(tenant_key(tenant, "inbox", "pkg.zip"))
        path.parent.mkdir(parents=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.json", "{}")
    for offset, (source, tenant) in enumerate([("erp.example", "t3"), ("dms.example", "t3")]):
        event = UploadReceived(object=tenant_key(tenant, "inbox", "pkg.zip"), idempotency_key=f"k{offset}",
                               request=JobRequest(workspace="inbox"))
        value = Envelope.wrap(event, source=source, tenant_id=tenant, job_id=f"k{offset}").to_bytes()
        await consumer.consume(Record(topic=UPLOADS, partition=0, offset=offset, key=b"k", value=value))

    [headers] = dead
    assert headers["x-dead-letter-reason"] == ("unprocessable tenderflow.upload.received.v1: "
                                               "source 'erp.example' may not upload for tenant 't3'")
    async with consumer.unit_of_work() as uow:
        tenants = list(await uow.session.scalars(select(packages.c.tenant_id)))
    assert tenants == ["t3"]
