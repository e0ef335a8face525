"""Long-running work recorded in the database: claimed with a lease, kept by heartbeats, woken on commit.

A service that takes work apart in the background (ingest's packages, questions' runs) keeps it in a table with
`id`, `status`, `cancel_requested`, `claimed_at`, `created_at` and `finished_at`. A `LeasedWorker` claims the
oldest pending row, or one whose holder stopped renewing its lease (a crashed or stopped replica), renews the
lease while its step runs and turns the `cancel_requested` flag into an event the step can see. The step is a
plain function of the claimed task; it ends the task itself, with `WorkQueue.finish` in the same transaction as
its last event.
"""

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import Row, Table, or_, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common import context
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.messages import Message
from tenderflow_common.unit_of_work import Transaction

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)
HEARTBEAT_SECONDS = 1.0
POLL_SECONDS = 2.0


class WakeablePoll:
    """Runs a step again at once while it finds work, then on a wake-up or after `poll_seconds`."""

    def __init__(self, name: str, step: Callable[[], Awaitable[bool]], poll_seconds: float = POLL_SECONDS) -> None:
        self.name = name
        self._step = step
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """New work was committed; look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                if await self._step():
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed; will retry", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)


def interrupted(error: BaseException) -> bool:
    """Whether a step failed because a server it needs was away (the database, the object store, another
    service), not because of its input: such a step is left to its lease and resumed, never ended as failed."""
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))
    return isinstance(error, (ConnectionError, TimeoutError, ServiceUnavailable))


@dataclass(frozen=True)
class Claimed:
    """What every claimed task carries, so that the events it causes continue its job's story."""

    id: str
    job_id: str
    tenant_id: str
    correlation_id: str
    causation_id: str

    def event(self, message: Message, *, source: str, fact: str, subject: str | None = None) -> Envelope:
        """The task's event for `fact`; the id is stable, so a step repeated after a crash emits the same one."""
        return Envelope.wrap(message, source=source, tenant_id=self.tenant_id, job_id=self.job_id,
                             correlation_id=self.correlation_id, causation_id=self.causation_id, subject=subject,
                             message_id=stable_id(self.id, fact))


@dataclass(frozen=True)
class WorkQueue:
    """A table of claimable work: rows go from `pending` to `active` to a final status."""

    table: Table
    active: str
    lease: timedelta = LEASE

    async def claim_next(self, session: AsyncSession) -> Row | None:
        """Take the oldest pending row, or one whose lease ran out."""
        now = datetime.now(UTC)
        rows = self.table.c
        row = (await session.execute(
            select(self.table)
            .where(or_(rows.status == "pending", (rows.status == self.active) & (rows.claimed_at < now - self.lease)))
            .order_by(rows.created_at).limit(1).with_for_update(skip_locked=True)
        )).first()
        if row is not None:
            await session.execute(update(self.table).where(rows.id == row.id)
                                  .values(status=self.active, claimed_at=now))
        return row

    async def renew(self, session: AsyncSession, task_id: str) -> bool:
        """Extend the lease; whether the task's job was cancelled."""
        await session.execute(update(self.table).where(self.table.c.id == task_id)
                              .values(claimed_at=datetime.now(UTC)))
        return bool(await session.scalar(select(self.table.c.cancel_requested).where(self.table.c.id == task_id)))

    async def finish(self, session: AsyncSession, task_id: str, status: str) -> None:
        await session.execute(update(self.table).where(self.table.c.id == task_id)
                              .values(status=status, finished_at=datetime.now(UTC)))


@dataclass
class Claim:
    """A held task as its step sees it: `cancelled` is set (seen from any thread) once its job is cancelled, and
    `wait_cancelled` returns then, so a step can abort work in flight."""

    task_id: str
    cancelled: threading.Event = field(default_factory=threading.Event)
    _cancelled_in_loop: asyncio.Event = field(default_factory=asyncio.Event)

    def cancel(self) -> None:
        self.cancelled.set()
        self._cancelled_in_loop.set()

    async def wait_cancelled(self) -> None:
        await self._cancelled_in_loop.wait()


Task = TypeVar("Task", bound=Claimed)


class LeasedWorker(Generic[Task]):
    """Claims one task at a time and runs its step while a heartbeat renews the lease and notices cancellation."""

    def __init__(self, name: str, queue: WorkQueue, transaction: Transaction, task_from_row: Callable[[Row], Task],
                 step: Callable[[Task, Claim], Awaitable[None]], *, heartbeat_seconds: float = HEARTBEAT_SECONDS,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self._queue = queue
        self._transaction = transaction
        self._task_from_row = task_from_row
        self._step = step
        self._heartbeat_seconds = heartbeat_seconds
        self._loop = WakeablePoll(name, self.run_next, poll_seconds)
        self.wake = self._loop.wake
        self.run = self._loop.run

    async def run_next(self) -> bool:
        """Claim a task and run its step to the end; whether there was one."""
        async with self._transaction() as uow:
            row = await self._queue.claim_next(uow.session)
        if row is None:
            return False
        claim = Claim(row.id)
        if row.cancel_requested:
            claim.cancel()
        heartbeat = asyncio.create_task(self._keep(claim))
        task = self._task_from_row(row)
        try:
            with context.job_context(task.correlation_id, task.tenant_id, task.job_id):
                await self._step(task, claim)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return True

    async def _keep(self, claim: Claim) -> None:
        """Renew until stopped; a failed renewal is retried at the next beat (the lease has slack)."""
        while True:
            await asyncio.sleep(self._heartbeat_seconds)
            try:
                async with self._transaction() as uow:
                    if await self._queue.renew(uow.session, claim.task_id):
                        claim.cancel()
            except Exception:
                log.warning("heartbeat of %s failed; retrying", claim.task_id, exc_info=True)
