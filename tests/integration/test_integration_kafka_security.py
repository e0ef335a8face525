"""Kafka security over a real broker's SCRAM-SHA-512 listener: a wrong password is refused, and ingest consumes and
produces through it while dead-lettering upload events whose source is unproven or not allowed their tenant."""

import asyncio
import json
import logging
import os
import secrets
import time
import zipfile

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.envelope import Envelope
from tenderflow_common.kafka_security import client_options
from tenderflow_common.settings import KafkaSettings, StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.testing.infra import read_env_file, repo_root
from tenderflow_common.topics import INGEST_COMMANDS, UPLOADS, dead_letters
from tenderflow_ingest.main import build_service
from tenderflow_ingest.settings import IngestSettings
from tenderflow_ingest.upload_sources import SIGNATURE_HEADER, signature

pytestmark = pytest.mark.integration

ERP_KEY = secrets.token_urlsafe(32)
SASL_KEYS = ("TENDERFLOW_INFRA_KAFKA_SASL_BOOTSTRAP_SERVERS", "TENDERFLOW_INFRA_KAFKA_SCRAM_TENDERFLOW_PASSWORD",
             "TENDERFLOW_INFRA_KAFKA_SCRAM_ERP_EXAMPLE_PASSWORD")


@pytest.fixture(scope="module")
def sasl_listener() -> dict[str, str]:
    """The SASL listener and SCRAM passwords `make infra-up` wrote (or the environment names)."""
    env_file = repo_root() / ".run" / "infra.env"
    values = {**(read_env_file(env_file) if env_file.is_file() else {}), **os.environ}
    if not all(values.get(key) for key in SASL_KEYS):
        pytest.skip("the broker has no SASL listener yet: restart Kafka with `make infra-down infra-up`")
    return {key: values[key] for key in SASL_KEYS}


def logged_in_as(sasl_listener: dict[str, str], user: str, password: str | None = None, **fields) -> KafkaSettings:
    key = f"TENDERFLOW_INFRA_KAFKA_SCRAM_{user.upper().replace('-', '_')}_PASSWORD"
    return KafkaSettings(bootstrap_servers=sasl_listener["TENDERFLOW_INFRA_KAFKA_SASL_BOOTSTRAP_SERVERS"],
                         security_protocol="SASL_PLAINTEXT", sasl_username=user,
                         sasl_password=password or sasl_listener[key], **fields)


async def test_a_wrong_password_is_refused_and_the_right_one_admitted(sasl_listener, topic_prefix, caplog):
    wrong = AIOKafkaProducer(**client_options(logged_in_as(sasl_listener, "tenderflow", "not-the-password")),
                             request_timeout_ms=5000)
    with caplog.at_level(logging.ERROR, logger="aiokafka"), pytest.raises(KafkaConnectionError):
        try:
            await wrong.start()
        finally:
            await wrong.stop()
    assert "SaslAuthenticationFailed" in caplog.text

    right = AIOKafkaProducer(**client_options(logged_in_as(sasl_listener, "tenderflow")), request_timeout_ms=5000)
    await right.start()
    try:
        assert await right.partitions_for(topic_prefix + UPLOADS) == {0, 1, 2}
    finally:
        await right.stop()


def upload_event(source: str, tenant: str, idempotency_key: str) -> bytes:
    event = UploadReceived(object=tenant_key(tenant, "inbox", "tender.zip"), idempotency_key=idempotency_key,
                           request=JobRequest(workspace="inbox"))
    return Envelope.wrap(event, source=source, tenant_id=tenant, job_id=idempotency_key).to_bytes()


async def read_records(settings: KafkaSettings, topic: str, expected: int, timeout_seconds: float = 60.0) -> list:
    """Every record of `topic` once `expected` have arrived (or the time is up), read over the SASL listener."""
    reader = AIOKafkaConsumer(topic, **client_options(settings), auto_offset_reset="earliest",
                              enable_auto_commit=False)
    await reader.start()
    records: list = []
    try:
        deadline = time.monotonic() + timeout_seconds
        while len(records) < expected and time.monotonic() < deadline:
            batch = await reader.getmany(timeout_ms=500)
            records += [record for part in batch.values() for record in part]
        await asyncio.sleep(1.0)
        records += [record for part in (await reader.getmany(timeout_ms=500)).values() for record in part]
    finally:
        await reader.stop()
    return records


async def test_ingest_over_sasl_accepts_only_signed_uploads_from_sources_allowed_for_the_tenant(
        sasl_listener, topic_prefix, fresh_database_url, tmp_path):
    store = LocalObjectStore(tmp_path / "storage")
    for tenant in ("t1", "t2"):
        path = store.path_of(tenant_key(tenant, "inbox", "tender.zip"))
        path.parent.mkdir(parents=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notice.json", json.dumps({"title": "Supply of road salt"}))
    service_kafka = logged_in_as(sasl_listener, "tenderflow", topic_prefix=topic_prefix, retry_backoff_seconds=0.05)
    settings = IngestSettings(database_url=fresh_database_url, storage=StorageSettings(root=tmp_path / "storage"),
                              kafka=service_kafka, work_dir=str(tmp_path / "work"),
                              upload_sources={"erp.example": ["t1"], "dms.example": ["t2"]},
                              upload_source_keys={"erp.example": ERP_KEY})
    runtime = build_service(settings).runtime
    await runtime.start()
    producer = AIOKafkaProducer(**client_options(logged_in_as(sasl_listener, "erp-example")), enable_idempotence=True)
    await producer.start()
    try:
        for source, tenant, name, signed in [("erp.example", "t2", "refused-tenant", True),
                                             ("rogue.example", "t1", "refused-source", False),
                                             ("erp.example", "t1", "unsigned", False),
                                             ("erp.example", "t1", "accepted", True)]:
            value = upload_event(source, tenant, name)
            headers = [(SIGNATURE_HEADER, signature(ERP_KEY, value).encode())] if signed else []
            await producer.send_and_wait(topic_prefix + UPLOADS, value, key=name.encode(), headers=headers)

        commands = await read_records(service_kafka, topic_prefix + INGEST_COMMANDS, expected=1)
        dead = await read_records(service_kafka, dead_letters(topic_prefix + UPLOADS), expected=3)
    finally:
        await producer.stop()
        await runtime.stop()

    assert [(json.loads(r.value)["tenantid"], json.loads(r.value)["type"]) for r in commands] == [
        ("t1", "tenderflow.ingest.ingest-package.v1")]
    reasons = sorted(dict(record.headers)["x-dead-letter-reason"].decode() for record in dead)
    assert reasons == [
        "unprocessable tenderflow.upload.received.v1: source 'erp.example' may not upload for tenant 't2'",
        f"unprocessable tenderflow.upload.received.v1: source 'erp.example' must sign its events ({SIGNATURE_HEADER})",
        "unprocessable tenderflow.upload.received.v1: source 'rogue.example' is not an allowed upload source",
    ]
