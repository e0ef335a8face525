"""Upload events from other systems: one job per idempotency key; bad references dead-lettered at once."""

import hashlib
import io
import json
import socket
import zipfile
from collections.abc import Iterator

import aioboto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import select

from tenderflow_common.consumer import MessageConsumer
from tenderflow_common.contracts.ingest import IngestPackage
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import LocalObjectStore, ObjectStore, tenant_key
from tenderflow_common.storage.s3 import S3ObjectStore
from tenderflow_common.topics import UPLOADS
from tenderflow_common.transport import Record
from tenderflow_ingest import consumers
from tenderflow_ingest.models import messaging, metadata, packages


class Harness:
    """The ingest consumer over SQLite and a local store, with dead letters and wake-ups recorded."""

    def __init__(self, sessions, store: ObjectStore, s3_bucket: str | None = None) -> None:
        self.store = store
        self.dead: list[tuple[str, dict[str, str]]] = []
        self.wakes = 0
        self._offset = 0
        self.consumer = MessageConsumer("tenderflow-ingest", sessions, messaging,
                                        consumers.routes(self._wake, store, s3_bucket), self._dead_letter,
                                        attempts=3, backoff_seconds=0.01)

    def _wake(self) -> None:
        self.wakes += 1

    async def _dead_letter(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        self.dead.append((topic, headers))

    async def deliver(self, value: bytes) -> None:
        self._offset += 1
        record = Record(topic=UPLOADS, partition=0, offset=self._offset, key=b"k", value=value)
        await self.consumer.consume(record)

    async def rows(self, table) -> list:
        async with self.consumer.unit_of_work() as uow:
            return list(await uow.session.execute(select(table)))


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def harness(sessions, tmp_path) -> Harness:
    return Harness(sessions, LocalObjectStore(tmp_path / "storage"))


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3 API server (moto) on a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def upload(reference: str, *, idempotency_key: str = "order-42", tenant: str = "t1") -> bytes:
    event = UploadReceived(object=reference, idempotency_key=idempotency_key,
                           request=JobRequest(workspace="inbox"))
    return Envelope.wrap(event, source="erp", tenant_id=tenant, job_id=idempotency_key).to_bytes()


async def stored_package(store: LocalObjectStore, tenant: str = "t1") -> str:
    key = tenant_key(tenant, "inbox", "pkg.zip")
    path = store.path_of(key)
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.json", "{}")
    return key


async def test_upload_records_one_package_and_one_ingest_command_per_idempotency_key(harness):
    key = await stored_package(harness.store)
    await harness.deliver(upload(key))
    await harness.deliver(upload(key))

    job_id = stable_id("t1", "upload", "order-42")
    [package] = await harness.rows(packages)
    assert (package.job_id, package.package_key, package.filename) == (job_id, key, "pkg.zip")
    assert package.request["workspace"] == "inbox"
    [queued] = await harness.rows(messaging.outbox)
    command = Envelope.model_validate_json(queued.payload)
    assert (queued.key, command.jobid, command.type) == (job_id, job_id, IngestPackage.message_type)
    ingest = IngestPackage.model_validate(command.data)
    content = harness.store.path_of(key).read_bytes()
    assert ingest.size == len(content) and len(ingest.sha256) == 64
    assert harness.wakes == 1 and harness.dead == []

    await harness.deliver(queued.payload)
    assert len(await harness.rows(packages)) == 1


@pytest.mark.parametrize(("reference", "reason"), [
    ("s3://tenders/inbox/pkg.zip", "s3 backend not configured"),
    ("tenants/t2/inbox/pkg.zip", "under tenants/t1/"),
    ("tenants/t1/../t2/inbox/pkg.zip", "under tenants/t1/"),
    ("tenants/t1/inbox/missing.zip", "object not found"),
])
async def test_unprocessable_references_are_dead_lettered_without_retries(harness, reference, reason):
    await harness.deliver(upload(reference))
    [(topic, headers)] = harness.dead
    assert topic == UPLOADS + ".dlq"
    assert headers["x-dead-letter-reason"].startswith("unprocessable tenderflow.upload.received.v1")
    assert reason in headers["x-dead-letter-reason"]
    assert await harness.rows(packages) == [] and await harness.rows(messaging.outbox) == []


@pytest.mark.parametrize("reference", ["https://example.com/pkg.zip", "file:///etc/passwd", "/etc/passwd"])
def test_the_contract_refuses_urls_and_absolute_paths(reference):
    with pytest.raises(ValueError, match="object"):
        UploadReceived(object=reference, idempotency_key="k")


async def test_s3_objects_are_read_from_the_configured_bucket_only(sessions, s3_endpoint):
    credentials = {"access_key_id": "testing", "secret_access_key": "testing"}
    async with aioboto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                region_name="us-east-1").client("s3", endpoint_url=s3_endpoint) as s3:
        await s3.create_bucket(Bucket="tenders")
    store = S3ObjectStore("tenders", endpoint_url=s3_endpoint, **credentials)
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("a.json", "{}")
    await store.put_bytes("tenants/t1/inbox/pkg.zip", content.getvalue())
    harness = Harness(sessions, store, s3_bucket="tenders")

    await harness.deliver(upload("s3://elsewhere/tenants/t1/inbox/pkg.zip", idempotency_key="a"))
    await harness.deliver(upload("s3://tenders/tenants/t2/inbox/pkg.zip", idempotency_key="b"))
    await harness.deliver(upload("s3://tenders/tenants/t1/inbox/pkg.zip", idempotency_key="c"))

    reasons = [headers["x-dead-letter-reason"] for _, headers in harness.dead]
    assert "'elsewhere' is not the configured bucket" in reasons[0]
    assert "under tenants/t1/" in reasons[1] and len(reasons) == 2
    [package] = await harness.rows(packages)
    assert package.package_key == "tenants/t1/inbox/pkg.zip"
    [queued] = await harness.rows(messaging.outbox)
    ingest = IngestPackage.model_validate(Envelope.model_validate_json(queued.payload).data)
    stored = content.getvalue()
    assert (ingest.size, ingest.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())


async def test_malformed_upload_payload_is_dead_lettered(harness):
    envelope = json.loads(upload("tenants/t1/inbox/pkg.zip"))
    del envelope["data"]["idempotency_key"]
    await harness.deliver(json.dumps(envelope).encode())
    [(_, headers)] = harness.dead
    assert headers["x-dead-letter-reason"].startswith("invalid tenderflow.upload.received.v1 payload")
