"""On real Kafka a consumer group's lag is the records of each partition it has not taken yet: it grows while its
handler is busy and records keep coming, and falls back to zero once it catches up."""

import asyncio
import time

import pytest
from prometheus_client import REGISTRY

from tenderflow_common import topics
from tenderflow_common.backlog_metrics import lag_sampler
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.transport import Lag, Record

pytestmark = pytest.mark.integration


async def lags_once(transport: KafkaTransport, wanted, timeout_seconds: float = 30) -> list[Lag]:
    """The transport's lags as soon as `wanted` holds for them."""
    deadline = time.monotonic() + timeout_seconds
    while not wanted(lags := await transport.consumer_lags()):
        assert time.monotonic() < deadline, lags
        await asyncio.sleep(0.2)
    return lags


async def test_lag_grows_while_the_handler_is_busy_and_is_zero_once_caught_up(kafka_bootstrap_servers,
                                                                              topic_prefix):
    topic = topic_prefix + topics.JOBS_EVENTS
    group = f"{topic_prefix}lag-test"
    first_poll, release = asyncio.Event(), asyncio.Event()
    handled: list[Record] = []

    async def handle(records: list[Record]) -> None:
        handled.extend(records)
        first_poll.set()
        await release.wait()

    transport = KafkaTransport.from_settings(KafkaSettings(bootstrap_servers=kafka_bootstrap_servers), "lag-test")
    transport.subscribe([topic], group, handle)
    await transport.start()
    try:
        await transport.publish(topic, "one-job", b"first", {})
        await asyncio.wait_for(first_poll.wait(), 60)
        for number in range(4):
            await transport.publish(topic, "one-job", f"later {number}".encode(), {})
        [behind] = [lag for lag in await lags_once(transport, lambda lags: any(lag.messages for lag in lags))
                    if lag.messages]
        assert (behind.group, behind.topic, behind.messages) == (group, topic, 4)
        await lag_sampler(transport)()
        assert REGISTRY.get_sample_value("tenderflow_consumer_lag_messages",
                                         {"group": group, "topic": topic, "partition": str(behind.partition)}) == 4

        release.set()
        caught_up = await lags_once(transport, lambda lags: len(lags) == 3 and not any(lag.messages for lag in lags))
        assert {lag.partition for lag in caught_up} == {0, 1, 2}
    finally:
        release.set()
        await transport.stop()
    assert [record.value for record in handled] == [b"first", *(f"later {n}".encode() for n in range(4))]
