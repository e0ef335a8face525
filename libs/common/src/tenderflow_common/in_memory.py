"""An in-process transport for embedded mode with Kafka's semantics: ordered logs, consumer groups, at-least-once."""

import asyncio
import contextlib
import logging
from collections import defaultdict

from tenderflow_common.transport import POLL_MAX_RECORDS, Lag, PollHandler, Record

log = logging.getLogger(__name__)


class InMemoryTransport:
    """One append-only log per topic; each consumer group reads it in order and moves on only after its handler returns.

    A handler that raises is retried from the same offset (the consumer already dead-letters what it cannot
    handle), so nothing is skipped. Logs live in memory: `stop()` first lets every group catch up.
    """

    def __init__(self, retry_seconds: float = 0.5) -> None:
        self._logs: dict[str, list[Record]] = defaultdict(list)
        self._subscriptions: list[tuple[list[str], str, PollHandler, int]] = []
        self._offsets: dict[tuple[str, str], int] = defaultdict(int)
        self._appended = asyncio.Condition()
        self._tasks: list[asyncio.Task] = []
        self._retry_seconds = retry_seconds
        self._started = False

    async def start(self) -> None:
        if self._started:
            return
        self._started = True
        for topics, group_id, handler, max_records in self._subscriptions:
            self._tasks.append(asyncio.create_task(self._consume(topics, group_id, handler, max_records),
                                                   name=group_id))

    async def stop(self, drain_seconds: float = 10.0) -> None:
        """Give consumers a bounded time to catch up, then stop them."""
        if not self._started:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._caught_up(), drain_seconds)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self._started = False

    async def ping(self) -> bool:
        return True

    async def publish(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        async with self._appended:
            log_ = self._logs[topic]
            log_.append(Record(topic=topic, partition=0, offset=len(log_), key=key.encode() if key else None,
                               value=value, headers=dict(headers)))
            self._appended.notify_all()

    def subscribe(self, topics: list[str], group_id: str, handler: PollHandler,
                  max_records: int = POLL_MAX_RECORDS) -> None:
        self._subscriptions.append((list(topics), group_id, handler, max_records))
        if self._started:
            self._tasks.append(asyncio.create_task(self._consume(list(topics), group_id, handler, max_records),
                                                   name=group_id))

    def lag(self) -> int:
        """Records not yet handled by some group."""
        return sum(len(self._logs[topic]) - self._offsets[(group_id, topic)]
                   for topics, group_id, *_ in self._subscriptions for topic in topics)

    async def consumer_lags(self) -> list[Lag]:
        """Each group's unread records per topic (every topic here is one partition)."""
        return [Lag(group_id, topic, 0, len(self._logs[topic]) - self._offsets[(group_id, topic)])
                for topics, group_id, *_ in self._subscriptions for topic in topics]

    async def _caught_up(self) -> None:
        async with self._appended:
            await self._appended.wait_for(lambda: not self.lag())

    async def _consume(self, topics: list[str], group_id: str, handler: PollHandler, max_records: int) -> None:
        while True:
            topic, records = await self._next(topics, group_id, max_records)
            try:
                await handler(records)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("handler failed in %s; retrying the same records", group_id)
                await asyncio.sleep(self._retry_seconds)
                continue
            async with self._appended:
                self._offsets[(group_id, topic)] += len(records)
                self._appended.notify_all()

    async def _next(self, topics: list[str], group_id: str, max_records: int) -> tuple[str, list[Record]]:
        """The unread records of the first topic that has some, as one poll."""
        async with self._appended:
            while True:
                for topic in topics:
                    offset = self._offsets[(group_id, topic)]
                    if offset < len(self._logs[topic]):
                        return topic, self._logs[topic][offset:offset + max_records]
                await self._appended.wait()
