"""On real Kafka every record the transport produces says it is a structured-mode CloudEvent, and its subscribers
take records with or without that header, as producers outside Tenderflow may send either."""

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


async def test_subscribers_take_records_with_and_without_the_header(kafka_bootstrap_servers, topic_prefix):
    topic = topic_prefix + topics.JOBS_EVENTS
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"bare", key=b"k")
        await producer.send_and_wait(topic, b"marked", key=b"k",
                                     headers=[("content-type", STRUCTURED_CONTENT_TYPE.encode())])
    finally:
        await producer.stop()
    received: list[Record] = []
    both_arrived = asyncio.Event()

    async def handle(poll: list[Record]) -> None:
        received.extend(poll)
        if len(received) >= 2:
            both_arrived.set()

    transport = KafkaTransport.from_settings(KafkaSettings(bootstrap_servers=kafka_bootstrap_servers), "ce-test")
    transport.subscribe([topic], f"{topic_prefix}ce-test", handle)
    await transport.start()
    try:
        await asyncio.wait_for(both_arrived.wait(), 60)
    finally:
        await transport.stop()
    assert [record.value for record in received] == [b"bare", b"marked"]
    assert received[1].headers["content-type"] == STRUCTURED_CONTENT_TYPE
