"""Upload events are accepted only from a source allowed to upload for the event's tenant, signed with the
source's key where it has one; the rest are dead-lettered with the reason before storage is read."""

import secrets
import zipfile

import pytest
from pydantic import ValidationError
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
from tenderflow_ingest.upload_sources import SIGNATURE_HEADER, UploadSources, signature

ERP_KEY = secrets.token_urlsafe(32)
ALLOWLIST = UploadSources.from_mapping({"erp.example": ["t1", "t2"], "dms.example": ["t3"]},
                                       keys={"erp.example": ERP_KEY})


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


def test_a_source_with_a_key_is_admitted_only_with_the_signature_of_the_exact_bytes():
    value = b'{"source": "erp.example"}'
    ALLOWLIST.admit("erp.example", "t1", value, {SIGNATURE_HEADER: signature(ERP_KEY, value)})
    with pytest.raises(Unprocessable, match="must sign its events"):
        ALLOWLIST.admit("erp.example", "t1", value, {})
    with pytest.raises(Unprocessable, match="does not match source 'erp.example'"):
        ALLOWLIST.admit("erp.example", "t1", value + b" ", {SIGNATURE_HEADER: signature(ERP_KEY, value)})
    with pytest.raises(Unprocessable, match="does not match"):
        ALLOWLIST.admit("erp.example", "t1", value, {SIGNATURE_HEADER: signature(secrets.token_urlsafe(32), value)})
    with pytest.raises(Unprocessable, match="may not upload for tenant 't3'"):
        ALLOWLIST.admit("erp.example", "t3", value, {SIGNATURE_HEADER: signature(ERP_KEY, value)})


def test_the_allowlist_is_read_from_json_and_production_without_one_accepts_nothing(monkeypatch):
    monkeypatch.setenv("TENDERFLOW_INGEST_UPLOAD_SOURCES", '{"erp.example": ["t1"]}')
    monkeypatch.setenv("TENDERFLOW_INGEST_UPLOAD_SOURCE_KEYS", f'{{"erp.example": "{ERP_KEY}"}}')
    assert IngestSettings().upload_allowlist() == UploadSources({"erp.example": frozenset({"t1"})},
                                                                {"erp.example": ERP_KEY})
    monkeypatch.delenv("TENDERFLOW_INGEST_UPLOAD_SOURCES")
    monkeypatch.delenv("TENDERFLOW_INGEST_UPLOAD_SOURCE_KEYS")
    monkeypatch.setenv("TENDERFLOW_ENV", "production")
    monkeypatch.setenv("TENDERFLOW_INTERNAL_SIGNING_KEY", secrets.token_urlsafe(48))
    with pytest.raises(Unprocessable, match="not an allowed upload source"):
        IngestSettings().upload_allowlist().check("erp.example", "t1")
    monkeypatch.setenv("TENDERFLOW_ENV", "development")
    IngestSettings().upload_allowlist().check("erp.example", "t1")


def test_a_guessable_source_key_stops_the_service():
    with pytest.raises(ValidationError, match="upload source key of 'erp.example' is too weak"):
        IngestSettings(upload_source_keys={"erp.example": "erp-example-secret"})


@pytest.fixture
async def consumer(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    store = LocalObjectStore(tmp_path / "storage")
    for tenant in ("t1", "t3"):
        path = store.path_of(tenant_key(tenant, "inbox", "pkg.zip"))
        path.parent.mkdir(parents=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.json", "{}")
    dead: list[dict[str, str]] = []

    async def dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        dead.append(headers)

    consumer = MessageConsumer("tenderflow-ingest", session_factory(engine), messaging,
                               consumers.routes(lambda: None, store, None, ALLOWLIST), dead_letter,
                               attempts=3, backoff_seconds=0.01)
    yield consumer, dead
    await engine.dispose()


def upload_record(offset: int, source: str, tenant: str, key: str | None = None) -> Record:
    event = UploadReceived(object=tenant_key(tenant, "inbox", "pkg.zip"), idempotency_key=f"k{offset}",
                           request=JobRequest(workspace="inbox"))
    value = Envelope.wrap(event, source=source, tenant_id=tenant, job_id=f"k{offset}").to_bytes()
    headers = {SIGNATURE_HEADER: signature(key, value)} if key else {}
    return Record(topic=UPLOADS, partition=0, offset=offset, key=b"k", value=value, headers=headers)


async def test_only_allowed_and_proven_sources_get_a_package_recorded(consumer):
    consumer, dead = consumer
    await consumer.consume(upload_record(1, "erp.example", "t3", ERP_KEY))
    await consumer.consume(upload_record(2, "erp.example", "t1"))
    await consumer.consume(upload_record(3, "erp.example", "t1", ERP_KEY))
    await consumer.consume(upload_record(4, "dms.example", "t3"))

    assert [headers["x-dead-letter-reason"] for headers in dead] == [
        "unprocessable tenderflow.upload.received.v1: source 'erp.example' may not upload for tenant 't3'",
        f"unprocessable tenderflow.upload.received.v1: source 'erp.example' must sign its events ({SIGNATURE_HEADER})",
    ]
    async with consumer.unit_of_work() as uow:
        tenants = sorted(await uow.session.scalars(select(packages.c.tenant_id)))
    assert tenants == ["t1", "t3"]
