"""Kafka transport: an idempotent producer (acks=all) and subscribers that commit offsets only after handling."""

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from tenderflow_common.backlog_metrics import kafka_consumer_lags
from tenderflow_common.envelope import STRUCTURED_CONTENT_TYPE
from tenderflow_common.kafka_security import broker_security
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.transport import (
    NO_HEADERS,
    POLL_MAX_RECORDS,
    POLL_TIMEOUT_MS,
    Lag,
    PollHandler,
    Record,
    partition_fetch_bytes,
)


def make_broker(settings: KafkaSettings, client_id: str) -> KafkaBroker:
    """A broker whose producer never reorders or duplicates on retry and waits for all replicas."""
    return KafkaBroker(
        settings.bootstrap_servers,
        client_id=client_id,
        security=broker_security(settings),
        enable_idempotence=True,
        acks="all",
        allow_auto_create_topics=False,
        log_level=logging.DEBUG,
    )


class KafkaTransport:
    """FastStream's Kafka broker behind the Transport interface."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker

    @classmethod
    def from_settings(cls, settings: KafkaSettings, client_id: str) -> "KafkaTransport":
        return cls(make_broker(settings, client_id))

    async def start(self) -> None:
        await self.broker.start()

    async def stop(self) -> None:
        await self.broker.stop()

    async def ping(self) -> bool:
        return await self.broker.ping(timeout=2.0)

    async def consumer_lags(self) -> list[Lag]:
        return await kafka_consumer_lags(self.broker.subscribers)

    async def publish(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        """Send one record marked as a structured-mode CloudEvent; consumers read the value either way."""
        headers = {**headers, "content-type": STRUCTURED_CONTENT_TYPE}
        await self.broker.publish(value, topic=topic, key=key.encode() if key else None, headers=headers)

    def subscribe(self, topics: list[str], group_id: str, handler: PollHandler,
                  max_records: int = POLL_MAX_RECORDS) -> None:
        """Feed the records of `topics` to the handler a poll at a time, committing their offsets once it returns;
        a raised error seeks back to the poll's first records so nothing is skipped."""

        async def on_poll(message: KafkaMessage) -> None:
            await handler([received(raw) for raw in message.raw_message])

        self.broker.subscriber(
            *topics,
            group_id=group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            batch=True,
            max_records=max_records,
            max_partition_fetch_bytes=partition_fetch_bytes(max_records),
            batch_timeout_ms=POLL_TIMEOUT_MS,
            parser=_tolerant_of_headers,
            decoder=_leave_undecoded,
            title=f"{group_id}:{','.join(topics)}",
        )(on_poll)


async def _tolerant_of_headers(records: tuple[ConsumerRecord, ...],
                               parse: Callable[[tuple[ConsumerRecord, ...]], Awaitable[KafkaMessage]]) -> KafkaMessage:
    """FastStream's batch parser reads every header as strict UTF-8 and fails on one with no value: a single such
    record, which another system may publish, would fail its poll at every delivery and stall the partition for good.
    Such a poll is parsed again with those headers as the text the consumers read anyway (`received`)."""
    try:
        return await parse(records)
    except (AttributeError, UnicodeDecodeError):
        return await parse(tuple(_with_text_headers(record) for record in records))


def _with_text_headers(raw: ConsumerRecord) -> ConsumerRecord:
    if not raw.headers:
        return raw
    return dataclasses.replace(raw, headers=[(name, _text(value).encode()) for name, value in raw.headers])


async def _leave_undecoded(message: KafkaMessage) -> None:
    """The consumer parses each record's value itself; FastStream's own decoding of every body would be wasted."""


def received(raw: ConsumerRecord) -> Record:
    """The record aiokafka returned, as the consumers take it: headers as text, whatever bytes (or none) they hold.
    Made positionally, with no dict for a record without headers: one is made per record of every poll."""
    headers = NO_HEADERS
    if raw.headers:
        headers = {name: _text(value) for name, value in raw.headers}
    return Record(raw.topic, raw.partition, raw.offset, raw.key, raw.value or b"", headers)


def _text(header_value: bytes | None) -> str:
    """A header's value as text: none is empty, and bytes that are not UTF-8 are replaced."""
    return (header_value or b"").decode(errors="replace")
