"""At-least-once over a real broker and database: redelivery changes nothing, poison goes to dead letters."""

import asyncio
import json
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from tenderflow_common.contracts.ingest import IngestedDocument, PackageIngested
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.settings import KafkaSettings, StorageSettings
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.topics import INGEST_EVENTS, WORKSPACE_EVENTS, dead_letters
from tenderflow_workspace.main import build_service
from tenderflow_workspace.models import chunks, documents
from tenderflow_workspace.settings import WorkspaceSettings

pytestmark = pytest.mark.integration


async def wait_until(predicate, timeout_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_seconds
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.2)


async def read_topic(bootstrap: str, topic: str, expected: int, timeout_seconds: float = 10.0) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    records = []
    try:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            records += [record for part in batch.values() for record in part]
            if len(records) >= expected:
                await asyncio.sleep(1.0)
                records += [r for part in (await consumer.getmany(timeout_ms=500)).values() for r in part]
                break
    finally:
        await consumer.stop()
    return records


async def test_redelivered_message_changes_nothing_and_poison_is_dead_lettered(
        kafka_bootstrap_servers, fresh_database_url, topic_prefix, tmp_path):
    store = LocalObjectStore(tmp_path)
    text_key = tenant_key("t1", "packages", "p1", "documents", "d1.json")
    units = [{"text": f"tender.title: Supply of road salt lot {n}", "page": None, "path": f"tender.lots[{n}]",
              "row": None} for n in range(3)]
    await store.put_bytes(text_key, json.dumps({"file": "a.json", "doc_type": "json", "units": units}).encode())
    settings = WorkspaceSettings(
        database_url=fresh_database_url, storage=StorageSettings(root=tmp_path),
        kafka=KafkaSettings(bootstrap_servers=kafka_bootstrap_servers, topic_prefix=topic_prefix,
                            retry_backoff_seconds=0.05),
    )
    runtime = build_service(settings).runtime
    await runtime.start()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        event = PackageIngested(package_id="p1", request=JobRequest(), documents=[
            IngestedDocument(document_id="d1", file="a.json", doc_type="json", pages=0, text_key=text_key)])
        envelope = Envelope.wrap(event, source="test", tenant_id="t1", job_id="job-1")
        topic = topic_prefix + INGEST_EVENTS
        await producer.send_and_wait(topic, b"{not json", key=b"job-1")
        for _ in range(3):
            await producer.send_and_wait(topic, envelope.to_bytes(), key=b"job-1")

        async def processed() -> bool:
            async with runtime.sessions() as session:
                table = runtime.tables.processed
                return bool(await session.scalar(select(func.count()).select_from(table)))

        await wait_until(processed)
        await asyncio.sleep(2.0)
        async with runtime.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(documents)) == 1
            assert await session.scalar(select(func.count()).select_from(chunks)) == 3
            payloads = (await session.scalars(select(runtime.tables.outbox.c.payload))).all()
        # The first package into a workspace also announces the workspace; each event once, however often redelivered.
        assert sorted(json.loads(payload)["type"] for payload in payloads) == [
            "tenderflow.workspace.documents-indexed.v1", "tenderflow.workspace.workspace-created.v1"]

        published = await read_topic(kafka_bootstrap_servers, topic_prefix + WORKSPACE_EVENTS, expected=2)
        assert sorted(json.loads(record.value)["type"] for record in published) == [
            "tenderflow.workspace.documents-indexed.v1", "tenderflow.workspace.workspace-created.v1"]

        dead = await read_topic(kafka_bootstrap_servers, dead_letters(topic), expected=1)
        assert len(dead) == 1
        headers = {name: value.decode() for name, value in dead[0].headers}
        assert dead[0].value == b"{not json"
        assert headers["x-original-topic"] == topic
        assert headers["x-dead-letter-reason"].startswith("malformed envelope")
    finally:
        await producer.stop()
        await runtime.stop()
