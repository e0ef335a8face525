"""The jobs service's notices of new job views: one Redis subscription per gateway replica, fanned out to the
event streams following each job, so a thousand streams cost Redis one connection and no polling."""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import redis.asyncio as redis
from redis.exceptions import RedisError

from tenderflow_common.job_views import changes_channel, noticed_changes

log = logging.getLogger(__name__)
RESUBSCRIBE_SECONDS = 1.0


class JobChanges:
    """Wakes the streams following a job whenever a notice names it; without Redis nothing wakes them, and they
    fall back on their periodic re-read."""

    def __init__(self, client: redis.Redis | None, namespace: str = "") -> None:
        self._client = client
        self._channel = changes_channel(namespace)
        self._followers: dict[tuple[str, str], set[asyncio.Event]] = {}

    @contextmanager
    def follow(self, tenant_id: str, job_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever the job's view may have changed, for as long as the stream lasts."""
        key, woken = (tenant_id, job_id), asyncio.Event()
        self._followers.setdefault(key, set()).add(woken)
        try:
            yield woken
        finally:
            followers = self._followers[key]
            followers.discard(woken)
            if not followers:
                del self._followers[key]

    def following(self) -> int:
        """How many streams are following a job on this replica."""
        return sum(len(followers) for followers in self._followers.values())

    def wake(self, notice: bytes | str) -> None:
        """Wake every stream following a job the notice names."""
        for tenant_id, job_id, _version in noticed_changes(notice):
            for woken in self._followers.get((tenant_id, job_id), ()):
                woken.set()

    async def run(self) -> None:
        """Listen until cancelled. Pub/sub is at most once: a notice missed while Redis is away costs a stream only
        its re-read's delay, so a lost subscription is simply made again."""
        if self._client is None:
            return
        while True:
            try:
                async with self._client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        self.wake(message["data"])
            except (RedisError, OSError):
                log.warning("job changes: Redis unavailable; subscribing again in %.0f s", RESUBSCRIBE_SECONDS,
                            exc_info=True)
                await asyncio.sleep(RESUBSCRIBE_SECONDS)
