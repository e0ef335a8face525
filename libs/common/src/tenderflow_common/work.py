"""Long-running work recorded in the database: claimed with a lease, kept by heartbeats, woken on commit.

A service that takes work apart in the background (ingest's packages, questions' runs) keeps it in a table with
`id`, `status`, `cancel_requested`, `claimed_at`, `claimed_by`, `created_at` and `finished_at`. A `LeasedWorker`
claims the oldest pending row, or one whose holder stopped renewing its lease (a crashed or stopped replica), names
itself on it (`holder_name`), renews the lease while its step runs and turns the `cancel_requested` flag into an
event the step can see. The step is a plain function of the claimed task; it ends the task itself, with
`WorkQueue.finish` in the same transaction as its last event.

Each claim counts up the row's `claims` column, and that count is the holder's fencing token. A replica paused past
its lease (a stopped process, a long GC, a frozen VM) may wake up after another one claimed the task: while a step
runs, every transaction it commits first locks the task's row and checks the token, so a stale holder's writes
(its documents or answers, the end state, their events) roll back with `LeaseLost`, and it stops.

A queue built `by_tenant` takes turns between tenants: the next claim goes to the tenant with the fewest live
claims, then the one served longest ago, never past `tenant_cap` live claims of one tenant; a step that has run for
its slice gives its task back (`give_turn`) when another tenant's task waits, and it resumes at a later claim.
"""

import asyncio
import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import Engine, Row, Select, Table, and_, case, event, exists, func, or_, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from tenderflow_common import advisory_locks, context
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.messages import Message
from tenderflow_common.telemetry import continued_trace
from tenderflow_common.unit_of_work import Transaction

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)
HEARTBEAT_SECONDS = 1.0
POLL_SECONDS = 2.0
CLAIM_LOCK_WAIT = 1.0
# PostgreSQL's classes for a connection lost (08), a server shutting down or starting up (57P01-57P03), and a
# transaction the server chose to abort (40001 serialization failure, 40P01 deadlock): all worth another try.
TRANSIENT_SQLSTATES = ("08", "57P01", "57P02", "57P03", "40001", "40P01")


def holder_name() -> str:
    """Who claims a task: the host (a pod's name) and the process, so an operator can tell which replica holds it."""
    return f"{socket.gethostname()}:{os.getpid()}"


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


class LeaseLost(Exception):
    """Another replica claimed the task after this one's lease ran out: what this one still does is void."""


def interrupted(error: BaseException) -> bool:
    """Whether a step failed because a server it needs was away (the database, the object store, another
    service) or its lease was lost, not because of its input: such a step is left to whoever holds the lease and
    resumed, never ended as failed."""
    if isinstance(error, LeaseLost):
        return True
    if isinstance(error, DBAPIError):
        return (error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))
                or str(getattr(error.orig, "sqlstate", "")).startswith(TRANSIENT_SQLSTATES))
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
    """A table of claimable work: rows go from `pending` to `active` to a final status (or back to `pending` when
    a step gives its turn away)."""

    table: Table
    active: str
    lease: timedelta = LEASE
    # Take turns by the table's `tenant_id`, least served first; `tenant_cap` bounds one tenant's live claims.
    by_tenant: bool = False
    tenant_cap: int | None = None

    async def claim_next(self, session: AsyncSession) -> Row | None:
        """Take the next claimable row (the oldest, or the least served tenant's oldest); its `claims` is the new
        holder's token less one."""
        now = datetime.now(UTC)
        rows = self.table.c
        if self.by_tenant:
            await _one_claim_at_a_time(session, self.table)
            query = self._fair_order(select(self.table).where(self._claimable(now)), now)
        else:
            query = select(self.table).where(self._claimable(now)).order_by(rows.created_at)
        row = (await session.execute(query.limit(1).with_for_update(skip_locked=True, of=self.table))).first()
        if row is not None:
            await session.execute(update(self.table).where(rows.id == row.id)
                                  .values(status=self.active, claimed_at=now, claimed_by=holder_name(),
                                          claims=rows.claims + 1))
        return row

    async def give_turn(self, session: AsyncSession, task: Claimed) -> bool:
        """Hand the task back to the queue when another tenant's task is waiting and that tenant is below its cap
        (a tenant at its cap could not take the turn); whether it was handed back. Its progress is already
        committed, so the next claim resumes it as it would after a crash."""
        rows = self.table.c
        now = datetime.now(UTC)
        waiting = select(rows.id).where(self._claimable(now), rows.tenant_id != task.tenant_id)
        if self.tenant_cap is not None:
            at_cap = (select(rows.tenant_id).where(self._live(now)).group_by(rows.tenant_id)
                      .having(func.count() >= self.tenant_cap))
            waiting = waiting.where(rows.tenant_id.not_in(at_cap))
        released = await session.scalar(update(self.table).where(rows.id == task.id, exists(waiting))
                                         .values(status="pending").returning(rows.id))
        return released is not None

    def _live(self, now: datetime):
        """Claims whose holder still renews its lease."""
        rows = self.table.c
        return and_(rows.status == self.active, rows.claimed_at >= now - self.lease)

    def _claimable(self, now: datetime):
        rows = self.table.c
        return or_(rows.status == "pending", (rows.status == self.active) & (rows.claimed_at < now - self.lease))

    def _fair_order(self, query: Select, now: datetime) -> Select:
        """Per tenant of the unfinished rows: its live claims and its latest claim. Fewest live claims first, then
        the tenant served longest ago (never served first), then the oldest row; a tenant at its cap waits."""
        rows = self.table.c
        tenants = (select(rows.tenant_id.label("tenant_id"), func.count(case((self._live(now), 1))).label("running"),
                          func.max(rows.claimed_at).label("served_at"))
                   .where(rows.status.in_(("pending", self.active))).group_by(rows.tenant_id).subquery("tenants"))
        query = query.join(tenants, tenants.c.tenant_id == rows.tenant_id)
        if self.tenant_cap is not None:
            query = query.where(tenants.c.running < self.tenant_cap)
        return query.order_by(tenants.c.running, tenants.c.served_at.asc().nulls_first(), rows.created_at)

    async def renew(self, session: AsyncSession, task_id: str, token: int) -> bool:
        """Extend the lease the holder of `token` has; whether the task's job was cancelled."""
        rows = self.table.c
        cancel_requested = await session.scalar(
            update(self.table).where(rows.id == task_id, rows.claims == token)
            .values(claimed_at=datetime.now(UTC)).returning(rows.cancel_requested))
        if cancel_requested is None:
            raise LeaseLost(task_id)
        return bool(cancel_requested)

    async def finish(self, session: AsyncSession, task_id: str, status: str) -> None:
        await session.execute(update(self.table).where(self.table.c.id == task_id)
                              .values(status=status, finished_at=datetime.now(UTC)))

    async def tokens_in_work(self, session: AsyncSession, task_ids: Iterable[str]) -> dict[str, int]:
        """The current holder's token of each of these tasks that is claimed; a task pending or ended has none."""
        rows = self.table.c
        found = await session.execute(select(rows.id, rows.claims)
                                      .where(rows.id.in_(list(task_ids)), rows.status == self.active))
        return dict(found.all())


async def _one_claim_at_a_time(session: AsyncSession, table: Table) -> None:
    """Replicas claim from one table in turn (a transaction-scoped advisory lock), so two claims at once cannot
    both see a tenant under its cap. A claim takes milliseconds, so a lock still held after CLAIM_LOCK_WAIT belongs
    to a frozen replica: the claim goes on without it rather than wait for that replica's connection to drop, and a
    tenant may then pass its cap by one."""
    if not await advisory_locks.lock(session, f"work:{table.name}", CLAIM_LOCK_WAIT):
        log.warning("the claim lock of %s is held by a replica that does not let go; claiming without it",
                    table.name)


@dataclass
class TimeSlice:
    """How long a step keeps its claim before it offers the turn to other tenants."""

    seconds: float
    _started: float = field(default_factory=time.monotonic)

    def spent(self) -> bool:
        """Whether the slice is over; checking starts the next one, so a step alone asks once per slice."""
        if time.monotonic() - self._started < self.seconds:
            return False
        self._started = time.monotonic()
        return True


@dataclass(frozen=True)
class Holding:
    """The task a step works on, the fencing token its claim got, and the database both live in."""

    queue: WorkQueue
    task_id: str
    token: int
    database: Engine

    def check(self, session: Session) -> None:
        """Prove the claim still holds, or void the transaction. A share lock keeps a new claim from landing
        before the commit, yet lets the step's concurrent transactions (its answers, each referring to the
        task's row by a foreign key) check at once: an exclusive lock there would deadlock them."""
        rows = self.queue.table.c
        claims = session.execute(select(rows.claims).where(rows.id == self.task_id)
                                 .with_for_update(read=True)).scalar()
        if claims != self.token:
            raise LeaseLost(self.task_id)


# The claim the running step holds; tasks and threads it starts inherit it, so their commits are fenced too.
_holding: ContextVar[Holding | None] = ContextVar("holding", default=None)


@event.listens_for(Session, "before_commit")
def _commit_only_while_holding(session: Session) -> None:
    holding = _holding.get()
    # Only the claim's own database: in embedded mode a step calls other services in process, in its context.
    if holding is not None and session.get_bind() is holding.database:
        holding.check(session)


@dataclass
class Claim:
    """A held task as its step sees it: `cancelled` is set (seen from any thread) once its job is cancelled or
    its lease is lost, and `wait_cancelled` returns then, so a step can abort work in flight."""

    task_id: str
    token: int = 0
    cancelled: threading.Event = field(default_factory=threading.Event)
    _cancelled_in_loop: asyncio.Event = field(default_factory=asyncio.Event)

    def cancel(self) -> None:
        self.cancelled.set()
        self._cancelled_in_loop.set()

    async def wait_cancelled(self) -> None:
        await self._cancelled_in_loop.wait()


Task = TypeVar("Task", bound=Claimed)


class LeasedWorker(Generic[Task]):
    """Claims one task at a time and runs its step while a heartbeat renews the lease and notices cancellation.

    The step runs in a span continuing the trace stored with the task (`trace_context`, the W3C headers of the
    request that created it), so a step resumed after a crash or on another replica joins its job's trace."""

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
            database = uow.session.get_bind()
        if row is None:
            return False
        claim = Claim(row.id, row.claims + 1)
        if row.cancel_requested:
            claim.cancel()
        heartbeat = asyncio.create_task(self._keep(claim))
        task = self._task_from_row(row)
        holding = _holding.set(Holding(self._queue, claim.task_id, claim.token, database))
        try:
            with (context.job_context(task.correlation_id, task.tenant_id, task.job_id),
                  continued_trace(row._mapping.get("trace_context"), f"{self._loop.name} step", attributes={
                      "tenderflow.job_id": task.job_id, "tenderflow.task_id": task.id,
                      "tenderflow.claim": claim.token})):
                await self._step(task, claim)
        except LeaseLost:
            log.warning("%s was claimed by another replica while this one was away; its step here is void",
                        claim.task_id)
        finally:
            _holding.reset(holding)
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        return True

    async def _keep(self, claim: Claim) -> None:
        """Renew until stopped; a failed renewal is retried at the next beat (the lease has slack), a lost lease
        stops the step."""
        while True:
            await asyncio.sleep(self._heartbeat_seconds)
            try:
                async with self._transaction() as uow:
                    if await self._queue.renew(uow.session, claim.task_id, claim.token):
                        claim.cancel()
            except LeaseLost:
                claim.cancel()
                return
            except Exception:
                log.warning("heartbeat of %s failed; retrying", claim.task_id, exc_info=True)
