"""On real Kafka a consumer that falls behind takes its backlog a whole poll at a time: one partition's records are
not held to Kafka's default of 1 MiB a fetch, which would split a poll of large records into several."""

import asyncio

import pytest

from tenderflow_common import topics
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.transport import Record

pytestmark = pytest.mark.integration

RECORDS = 3000
VALUE = b"x" * 800  # 3,000 of them fill about 2.6 MiB of one partition


async def test_a_backlog_of_one_partition_beyond_a_mebibyte_comes_in_one_poll(kafka_bootstrap_servers, topic_prefix):
    topic = topic_prefix + topics.JOBS_EVENTS
    settings = KafkaSettings(bootstrap_servers=kafka_bootstrap_servers)
    producer = KafkaTransport.from_settings(settings, "backlog-producer")
    await producer.start()
    try:
        await asyncio.gather(*(producer.publish(topic, "one-job", VALUE, {}) for _ in range(RECORDS)))
    finally:
        await producer.stop()

    polls: list[list[Record]] = []
    caught_up = asyncio.Event()

    async def handle(records: list[Record]) -> None:
        polls.append(records)
        if sum(map(len, polls)) >= RECORDS:
            caught_up.set()

    consumer = KafkaTransport.from_settings(settings, "backlog-consumer")
    consumer.subscribe([topic], f"{topic_prefix}backlog-test", handle, max_records=RECORDS)
    await consumer.start()
    try:
        await asyncio.wait_for(caught_up.wait(), 60)
    finally:
        await consumer.stop()
    assert [len(poll) for poll in polls] == [RECORDS]
