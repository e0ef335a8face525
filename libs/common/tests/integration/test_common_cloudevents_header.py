"""On real Kafka every record the transport produces says it is a structured-mode CloudEvent, and its subscribers
take records with or without that header, or with headers that are not text at all, as producers outside Tenderflow
may send any of them."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tenderflow_common import topics
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.envelope import STRUCTURED_CONTENT_TYPE
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.transport import Record

pytestmark = pytest.mark.integration
TRACEPARENT = f"00-{'1' * 32}-{'2' * 16}-01"


async def first_record_headers(bootstrap: str, topic: str) -> dict[str, bytes]:
    """The headers of the first record on `topic`, read by a plain client."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), 30)
    finally:
        await consumer.stop()
    return dict(record.headers)


async def test_produced_records_carry_the_structured_content_type(kafka_bootstrap_servers, topic_prefix):
    topic = topic_prefix + topics.UPLOADS
    transport = KafkaTransport.from_settings(KafkaSettings(bootstrap_servers=kafka_bootstrap_servers), "ce-test")
    await transport.start()
    try:
        await transport.publish(topic, "k", b'{"specversion": "1.0"}', {"traceparent": TRACEPARENT})
    finally:
        await transport.stop()
    headers = await first_record_headers(kafka_bootstrap_servers, topic)
    assert headers["content-type"] == STRUCTURED_CONTENT_TYPE.encode()
    assert headers["traceparent"] == TRACEPARENT.encode()


async def produced_then_consumed(bootstrap: str, topic: str, group_id: str,
                                 sent: list[tuple[bytes, list[tuple[str, bytes | None]]]]) -> list[Record]:
    """Put (value, headers) records on `topic` under one key, as a producer outside Tenderflow would, and return
    what the transport's subscriber hands its handler once as many have come."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for value, headers in sent:
            await producer.send_and_wait(topic, value, key=b"k", headers=headers)
    finally:
        await producer.stop()
    received: list[Record] = []
    all_arrived = asyncio.Event()

    async def handle(poll: list[Record]) -> None:
        received.extend(poll)
        if len(received) >= len(sent):
            all_arrived.set()

    transport = KafkaTransport.from_settings(KafkaSettings(bootstrap_servers=bootstrap), group_id)
    transport.subscribe([topic], group_id, handle)
    await transport.start()
    try:
        await asyncio.wait_for(all_arrived.wait(), 60)
    finally:
        await transport.stop()
    return received


async def test_subscribers_take_records_with_and_without_the_header(kafka_bootstrap_servers, topic_prefix):
    received = await produced_then_consumed(
        kafka_bootstrap_servers, topic_prefix + topics.JOBS_EVENTS, f"{topic_prefix}ce-test",
        [(b"bare", []), (b"marked", [("content-type", STRUCTURED_CONTENT_TYPE.encode())])])

    assert [record.value for record in received] == [b"bare", b"marked"]
    assert received[1].headers["content-type"] == STRUCTURED_CONTENT_TYPE


async def test_records_with_headers_that_are_not_text_come_with_the_rest(kafka_bootstrap_servers, topic_prefix):
    """A header with no value, or bytes that are not UTF-8, once failed the poll at every delivery and stalled the
    partition behind it: now they are read as text and the records around them come too."""
    received = await produced_then_consumed(
        kafka_bootstrap_servers, topic_prefix + topics.INGEST_COMMANDS, f"{topic_prefix}headers-test",
        [(b"before", [("traceparent", b"00-1")]), (b"no value", [("x-empty", None)]),
         (b"not utf-8", [("x-latin-1", "café".encode("latin-1"))]), (b"after", [])])

    assert [(record.value, dict(record.headers)) for record in received] == [
        (b"before", {"traceparent": "00-1"}),
        (b"no value", {"x-empty": ""}),
        (b"not utf-8", {"x-latin-1": "caf\ufffd"}),
        (b"after", {}),
    ]
