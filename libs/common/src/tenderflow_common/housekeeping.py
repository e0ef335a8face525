"""Keeps the messaging tables small: processed-message rows older than any redelivery, published outbox rows, and
the rows a service keeps about jobs only while a message about them may still arrive.

Rows go in batches of their primary keys, each batch its own short transaction, so housekeeping never holds many
locks or a long one, and a kill part-way leaves only fewer rows for the next round."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, and_, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.settings import MessagingSettings
from tenderflow_common.sweeps import periodic_sweep


class MessagingHousekeeping:
    """Deletes what the messaging tables no longer need, one batch per step, forever."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], tables: MessagingTables,
                 settings: MessagingSettings) -> None:
        self._sessions = sessions
        self._tables = tables
        self._settings = settings
        self._remembered: list[Column] = []
        self._loop = periodic_sweep("messaging housekeeping", self.delete_some, settings.housekeeping_interval_seconds,
                                    batch=settings.housekeeping_batch)

    def forget_with_messages(self, *stamps: Column) -> None:
        """Also delete rows of these tables once their time column is as old as the processed messages that go: a
        service remembers a job (cancelled, purged, being removed) only while a message about it may arrive."""
        self._remembered.extend(stamps)

    async def delete_some(self, now: datetime | None = None) -> int:
        """One batch from each table; the largest count, so a full batch of any goes on at once."""
        now = now or datetime.now(UTC)
        handled_before = now - timedelta(hours=self._settings.processed_retention_hours)
        processed = await self.delete_processed(handled_before)
        published = await self.delete_published(now - timedelta(hours=self._settings.outbox_retention_hours))
        remembered = [await self.delete_older(stamp, handled_before) for stamp in self._remembered]
        return max(processed, published, *remembered)

    async def delete_processed(self, before: datetime) -> int:
        """Forget messages handled before `before`: the topics no longer hold them, so none can come again."""
        return await self.delete_older(self._tables.processed.c.processed_at, before)

    async def delete_older(self, stamp: Column, before: datetime) -> int:
        """Delete a batch of the rows of `stamp`'s table stamped before `before`, by primary key."""
        keys = list(stamp.table.primary_key.columns)
        batch = select(*keys).where(stamp < before).limit(self._settings.housekeeping_batch)
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(batch)).all()
            if rows:
                await session.execute(delete(stamp.table).where(tuple_(*keys).in_([tuple(row) for row in rows])))
        return len(rows)

    async def delete_published(self, before: datetime) -> int:
        """Drop outbox rows the relay published before `before`; unpublished ones always stay."""
        outbox = self._tables.outbox
        batch = select(outbox.c.id).where(and_(outbox.c.published_at.is_not(None), outbox.c.published_at < before)) \
            .order_by(outbox.c.id).limit(self._settings.housekeeping_batch)
        async with self._sessions() as session, session.begin():
            ids = list((await session.execute(batch)).scalars())
            if ids:
                await session.execute(delete(outbox).where(outbox.c.id.in_(ids)))
        return len(ids)

    async def run(self) -> None:
        """Housekeep for the life of the service; several replicas may run it, as they delete the same rows."""
        await self._loop.run()
