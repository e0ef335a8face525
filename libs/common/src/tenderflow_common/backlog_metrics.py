"""What is waiting: consumer lag per group and partition, and the outbox's unpublished rows and their age."""

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client import Gauge
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.metrics import Sampler
from tenderflow_common.transport import Lag, Transport

consumer_lag = Gauge("tenderflow_consumer_lag_messages", "Records on a partition that a consumer group has not read",
                     ["group", "topic", "partition"])
outbox_backlog = Gauge("tenderflow_outbox_backlog_messages", "Committed outbox rows not yet published", ["service"])
outbox_oldest_age = Gauge("tenderflow_outbox_oldest_age_seconds",
                          "Age of the oldest unpublished outbox row (0 when none waits)", ["service"])


def lag_sampler(transport: Transport) -> Sampler:
    """Set each of the transport's consumer groups' lag, partition by partition."""

    async def sample() -> None:
        for lag in await transport.consumer_lags():
            consumer_lag.labels(lag.group, lag.topic, str(lag.partition)).set(lag.messages)

    return sample


def outbox_sampler(service: str, sessions: async_sessionmaker[AsyncSession], outbox: Table) -> Sampler:
    """Count the service's unpublished outbox rows and how long the oldest has waited: a stuck relay shows here."""

    async def sample() -> None:
        async with sessions() as session:
            waiting, oldest = (await session.execute(
                select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
            )).one()
        outbox_backlog.labels(service).set(waiting)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        outbox_oldest_age.labels(service).set(max(0.0, age))

    return sample


async def kafka_consumer_lags(subscribers: Iterable) -> list[Lag]:
    """Each started FastStream subscriber's consumer: its own position against the partition's end offset."""
    lags: list[Lag] = []
    for subscriber in subscribers:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            continue
        assigned = sorted(consumer.assignment())
        if not assigned:
            continue
        ends = await consumer.end_offsets(assigned)
        for partition in assigned:
            position = await asyncio.wait_for(consumer.position(partition), 1.0)
            lags.append(Lag(subscriber.group_id, partition.topic, partition.partition,
                            max(0, ends[partition] - position)))
    return lags
