"""On real Kafka a record whose headers are not text (a header with no value, or bytes that are not UTF-8), as
another system may publish, reaches the consumer with the records around it, instead of failing its poll at every
delivery and stalling the partition behind it."""

import asyncio

import pytest
from aiokafka import AIOKafkaProducer

from tenderflow_common import topics
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.transport import Record

pytestmark = pytest.mark.integration

SENT = [
    (b"before", [("traceparent", b"00-1")]),
    (b"no value", [("x-empty", None)]),
    (b"not utf-8", [("x-latin-1", "café".encode("latin-1"))]),
    (b"after", []),
]


async def test_records_with_headers_that_are_not_text_are_delivered_with_the_rest(kafka_bootstrap_servers,
                                                                                  topic_prefix):
    topic = topic_prefix + topics.INGEST_COMMANDS
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    try:
        for value, headers in SENT:  # one key: one partition, in this order
            await producer.send_and_wait(topic, value, key=b"one-job", headers=headers)
    finally:
        await producer.stop()

    received: list[Record] = []
    all_there = asyncio.Event()

    async def handle(records: list[Record]) -> None:
        received.extend(records)
        if len(received) >= len(SENT):
            all_there.set()

    consumer = KafkaTransport.from_settings(KafkaSettings(bootstrap_servers=kafka_bootstrap_servers), "headers-test")
    consumer.subscribe([topic], f"{topic_prefix}headers-test", handle)
    await consumer.start()
    try:
        await asyncio.wait_for(all_there.wait(), 60)
    finally:
        await consumer.stop()
    assert [(record.value, dict(record.headers)) for record in received] == [
        (b"before", {"traceparent": "00-1"}),
        (b"no value", {"x-empty": ""}),
        (b"not utf-8", {"x-latin-1": "caf\ufffd"}),
        (b"after", {}),
    ]
