"""A transaction that also records outgoing messages, so state and events commit or roll back together."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.envelope import Envelope
from tenderflow_common.messages import message_class
from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.telemetry import current_trace_headers


class UnitOfWork:
    """Rolls back unless `commit()` is called; emitted messages are written to the outbox in the same transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._tables = tables
        self._on_commit = on_commit
        self._emitted = 0
        self._after_commit: list[Callable[[], None]] = []
        self._on_rollback: list[Callable[[], Awaitable[None]]] = []
        self._committed = False
        self.session: AsyncSession

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        await self.session.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()
            if not self._committed:
                for undo in self._on_rollback:
                    await undo()

    async def emit(self, envelope: Envelope) -> None:
        """Queue a message for publication after commit; the job id is the key so one job stays in order.

        A step repeated after a crash emits the same stable id again: the row already there stands for it, so the
        repeat is a no-op rather than a failure that would end the job."""
        topic = topic_of(envelope)
        result = await self.session.execute(
            insert_unless_present(self._tables.outbox, self.session.get_bind().dialect.name).values(
                message_id=envelope.id,
                topic=topic,
                key=envelope.jobid,
                payload=envelope.to_bytes(),
                headers=current_trace_headers(),
            )
        )
        if result.rowcount:
            self._emitted += 1

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run a side effect (such as waking a worker) only once the transaction is durable."""
        self._after_commit.append(callback)

    def on_rollback(self, undo: Callable[[], Awaitable[None]]) -> None:
        """Undo an effect outside the database (a stored upload) if the transaction does not commit."""
        self._on_rollback.append(undo)

    async def commit(self) -> None:
        """Make the change and its messages durable, then wake the relay and other listeners."""
        await self.session.commit()
        self._committed = True
        if self._emitted:
            self._on_commit()
        self._emitted = 0
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()


Transaction = Callable[[], AbstractAsyncContextManager[UnitOfWork]]
"""Opens a unit of work that commits when its block ends without an error and rolls back otherwise."""


def transactions(sessions: async_sessionmaker[AsyncSession], tables: MessagingTables,
                 on_commit: Callable[[], None] = lambda: None) -> Transaction:
    """The one way business code gets a transaction: infrastructure commits it, the code inside never does."""

    @contextlib.asynccontextmanager
    async def transaction() -> AsyncIterator[UnitOfWork]:
        async with UnitOfWork(sessions, tables, on_commit) as uow:
            yield uow
            await uow.commit()

    return transaction


def insert_unless_present(table: Table, dialect: str):
    """An insert that skips a row whose key is already there (both databases the services run on): the outbox's
    message ids, a consumer's processed ones, or an id a service remembers."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    message_id = table.c.get("message_id")
    keys = [message_id] if message_id is not None and message_id.unique else list(table.primary_key.columns)
    return insert(table).on_conflict_do_nothing(index_elements=keys)


def topic_of(envelope: Envelope) -> str:
    """The topic a registered message type travels on."""
    cls = message_class(envelope.type)
    if cls is None:
        raise ValueError(f"no topic known for message type {envelope.type}")
    return cls.topic
