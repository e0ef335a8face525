"""Kafka wiring: an idempotent producer (acks=all) and subscribers that commit offsets only after handling."""

import logging

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from tenderflow_common import metrics
from tenderflow_common.consumer import MessageConsumer, Record
from tenderflow_common.relay import Publish
from tenderflow_common.settings import KafkaSettings


def make_broker(settings: KafkaSettings, client_id: str) -> KafkaBroker:
    """A broker whose producer never reorders or duplicates on retry and waits for all replicas."""
    return KafkaBroker(
        settings.bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        allow_auto_create_topics=False,
        log_level=logging.DEBUG,
    )


def publisher(broker: KafkaBroker, topic_prefix: str = "") -> Publish:
    """Send raw bytes with a key and headers; a prefix keeps isolated deployments (and test runs) apart."""

    async def publish(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        topic = topic_prefix + topic
        await broker.publish(value, topic=topic, key=key.encode() if key else None, headers=headers)
        metrics.messages_published.labels(topic).inc()

    return publish


def subscribe(broker: KafkaBroker, consumer: MessageConsumer, topics: list[str], group_id: str) -> None:
    """Feed every record of `topics` to the consumer; a raised error seeks back so nothing is skipped."""

    async def on_record(message: KafkaMessage) -> None:
        raw = message.raw_message
        await consumer.consume(
            Record(
                topic=raw.topic,
                partition=raw.partition,
                offset=raw.offset,
                key=raw.key,
                value=raw.value or b"",
                headers=_decode_headers(raw.headers),
            )
        )

    broker.subscriber(
        *topics,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        title=f"{group_id}:{','.join(topics)}",
    )(on_record)


def _decode_headers(headers) -> dict[str, str]:
    decoded: dict[str, str] = {}
    for name, value in headers or ():
        decoded[name] = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    return decoded
