"""Publishes committed outbox rows to Kafka, in order, and marks them sent."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.work import WakeablePoll

Publish = Callable[[str, str, bytes, dict[str, str]], Awaitable[None]]


class OutboxRelay:
    """Moves outbox rows to the broker; a crash between publish and mark only causes a duplicate, never a loss."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        publish: Publish,
        *,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self._outbox = tables.outbox
        self._publish = publish
        self._batch_size = batch_size
        self._loop = WakeablePoll("outbox relay", self._published_some, poll_seconds)

    def wake(self) -> None:
        """Called after a commit that emitted messages, so they leave without waiting for the next poll."""
        self._loop.wake()

    async def _published_some(self) -> bool:
        return await self.publish_pending() > 0

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows oldest first; returns how many were sent."""
        outbox = self._outbox
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.payload, outbox.c.headers)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                await self._publish(row.topic, row.key, row.payload, dict(row.headers or {}))
            if rows:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in rows]))
                    .values(published_at=datetime.now(UTC))
                )
        return len(rows)

    async def run(self) -> None:
        """Relay forever: drain, then sleep until woken or the poll interval passes."""
        await self._loop.run()
