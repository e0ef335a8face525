"""Rebuild the projection from scratch: replay every topic it folds, from the beginning, into its database."""

import asyncio
import logging

import redis.asyncio as redis
from aiokafka import AIOKafkaConsumer, TopicPartition

from tenderflow_common.broker import received
from tenderflow_common.consumer import MessageConsumer, subscribed_topics
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.job_views import views_pattern
from tenderflow_common.kafka_security import client_options
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.transport import partition_fetch_bytes
from tenderflow_jobs import consumers
from tenderflow_jobs.consumers import POLL_MAX_RECORDS
from tenderflow_jobs.main import MIGRATIONS
from tenderflow_jobs.models import messaging
from tenderflow_jobs.settings import JobsSettings

log = logging.getLogger(__name__)
DROP_BATCH = 500


async def _ignore_dead_letter(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
    """Messages the live consumer dead-lettered were dead-lettered already; a replay does not repeat that."""


async def rebuild_projection(settings: JobsSettings) -> int:
    """Fold every retained message into the (empty) jobs database; returns how many records were read.

    Each job keeps the ids of the messages folded into it, so a jobs service started afterwards drops whatever its
    consumer group still has to deliver and nothing is counted twice. The job views in Redis are dropped
    before the replay, so a rebuild killed part-way leaves none of the old ones served, and again after it, so
    none put from a half-rebuilt database stays.
    """
    await _drop_views(settings)
    read = await _replay(settings)
    await _drop_views(settings)
    log.info("projection rebuilt from %d records", read)
    return read


async def _drop_views(settings: JobsSettings) -> None:
    if not settings.redis.url:
        return
    client = redis.from_url(settings.redis.url)
    try:
        dropped = await drop_all_views(client, settings.kafka.topic_prefix)
    finally:
        await client.aclose()
    log.info("dropped %d job views", dropped)


async def drop_all_views(client: redis.Redis, namespace: str = "") -> int:
    """Delete every tenant's job views; returns how many. A rebuilt database may give a job the same or a lower
    version than the view stored, which put-if-newer would then keep forever: without views, the gateway asks
    the jobs service, which puts the rebuilt one back."""
    dropped = 0
    batch: list[bytes] = []
    async for key in client.scan_iter(match=views_pattern(namespace), count=DROP_BATCH):
        batch.append(key)
        if len(batch) == DROP_BATCH:
            dropped += await client.unlink(*batch)
            batch = []
    if batch:
        dropped += await client.unlink(*batch)
    return dropped


async def _replay(settings: JobsSettings) -> int:
    database_url = settings.resolved_database_url("jobs")
    await upgrade_to_head(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    consumer = MessageConsumer("tenderflow-jobs", session_factory(engine), messaging, consumers.routes(),
                               _ignore_dead_letter, attempts=settings.kafka.handler_attempts, backoff_seconds=0.1,
                               fold_poll=consumers.poll_fold())
    reader = AIOKafkaConsumer(**client_options(settings.kafka), enable_auto_commit=False, group_id=None,
                              max_partition_fetch_bytes=partition_fetch_bytes(POLL_MAX_RECORDS))
    read = 0
    try:
        await reader.start()
        topics = subscribed_topics(consumers.routes())
        reader.subscribe([settings.kafka.topic_prefix + topic for topic in topics])
        partitions = await _assigned(reader, len(topics))
        await reader.seek_to_beginning(*partitions)
        end = await reader.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > 0}
        while remaining:
            polled = await reader.getmany(*remaining, timeout_ms=1000, max_records=POLL_MAX_RECORDS)
            # A poll at a time, as the live consumer folds: each job read and written once a poll, not once a record.
            poll = [received(raw) for tp, records in polled.items() for raw in records if raw.offset < end[tp]]
            if poll:
                await consumer.consume_batch(poll)
            read += len(poll)
            remaining = {tp for tp in remaining if await reader.position(tp) < end[tp]}
    finally:
        await reader.stop()
        await engine.dispose()
    return read


async def _assigned(reader: AIOKafkaConsumer, topic_count: int, timeout_seconds: float = 30.0) -> list[TopicPartition]:
    """Without a group the consumer takes every partition of its topics once metadata arrives."""
    deadline = asyncio.get_running_loop().time() + timeout_seconds
    while len({tp.topic for tp in reader.assignment()}) < topic_count:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("topics to replay were not found")
        await asyncio.sleep(0.1)
    return sorted(reader.assignment())
