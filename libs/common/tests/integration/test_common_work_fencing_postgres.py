"""A replica paused past its lease wakes up after another one claimed its task: its claim's token is stale, so
what it commits (effects, end state, events) rolls back and it stops, while the new holder's work stands."""

import asyncio
import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, func, insert, select, update

from tenderflow_common.contracts.ingest import PackageAccepted
from tenderflow_common.db import UtcDateTime, create_engine, new_metadata, session_factory
from tenderflow_common.messaging_tables import messaging_tables
from tenderflow_common.unit_of_work import transactions
from tenderflow_common.work import Claim, Claimed, LeasedWorker, WorkQueue

pytestmark = pytest.mark.integration
TASK = "task-1"


def task_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    tasks = Table("tasks", metadata, Column("id", String(20), primary_key=True),
                  Column("status", String(20), nullable=False), Column("cancel_requested", Boolean, nullable=False),
                  Column("claimed_at", UtcDateTime()), Column("claimed_by", String(255)),
                  Column("claims", Integer, nullable=False, server_default="0"),
                  Column("created_at", UtcDateTime(), nullable=False), Column("finished_at", UtcDateTime()))
    effects = Table("effects", metadata, Column("holder", String(20), primary_key=True))
    # Rows a step adds under its task, as answers are under their run.
    parts = Table("parts", metadata, Column("id", Integer, primary_key=True),
                  Column("task_id", String(20), ForeignKey("tasks.id"), nullable=False))
    return tasks, effects, parts


class Replica:
    """One process's worker; its step waits for `go` (standing for a pause) before it writes and ends the task."""

    def __init__(self, name: str, queue: WorkQueue, transaction, effects: Table, heartbeat_seconds: float) -> None:
        self.name = name
        self.go = asyncio.Event()
        self.saw_cancel = False
        self._queue, self._transaction, self._effects = queue, transaction, effects
        self.worker = LeasedWorker(name, queue, transaction, self._task, self._step,
                                   heartbeat_seconds=heartbeat_seconds)

    @staticmethod
    def _task(row) -> Claimed:
        return Claimed(id=row.id, job_id="job-1", tenant_id="acme", correlation_id="corr", causation_id="cmd")

    async def _step(self, task: Claimed, claim: Claim) -> None:
        go = asyncio.create_task(self.go.wait())
        await asyncio.wait([go, asyncio.create_task(claim.wait_cancelled())], return_when=asyncio.FIRST_COMPLETED)
        self.saw_cancel = claim.cancelled.is_set()
        async with self._transaction() as uow:
            await uow.session.execute(insert(self._effects).values(holder=self.name))
            await self._queue.finish(uow.session, task.id, "cancelled" if self.saw_cancel else "done")
            await uow.emit(task.event(PackageAccepted(package_id=task.id, files=[]), source=self.name,
                                      fact=f"done by {self.name}"))


@pytest.fixture
async def setting(fresh_database_url: str):
    metadata = new_metadata()
    messaging = messaging_tables(metadata)
    tasks, effects, parts = task_tables(metadata)
    engine = create_engine(fresh_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(tasks).values(id=TASK, status="pending", cancel_requested=False,
                                                      created_at=datetime.now(UTC)))
    try:
        yield session_factory(engine), messaging, tasks, effects, parts
    finally:
        await engine.dispose()


async def claimed(sessions, tasks: Table, claims: int) -> None:
    for _ in range(100):
        async with sessions() as session:
            if await session.scalar(select(tasks.c.claims)) == claims:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the task was not claimed {claims} times")


async def test_a_holder_paused_past_its_lease_commits_nothing_beside_the_new_one(setting) -> None:
    sessions, messaging, tasks, effects, _ = setting
    queue = WorkQueue(tasks, active="working")
    transaction = transactions(sessions, messaging)
    # No heartbeat during the test: the first replica is as good as stopped while its lease runs out.
    paused, other = (Replica(name, queue, transaction, effects, heartbeat_seconds=60) for name in ("paused", "other"))
    first = asyncio.create_task(paused.worker.run_next())
    await claimed(sessions, tasks, 1)
    async with sessions() as session, session.begin():
        await session.execute(update(tasks).values(claimed_at=datetime.now(UTC) - timedelta(minutes=1)))

    other.go.set()
    assert await other.worker.run_next()
    paused.go.set()
    assert await first, "a stale holder's step ends quietly, it does not crash the worker"

    async with sessions() as session:
        assert (await session.execute(select(tasks.c.status, tasks.c.claims))).one() == ("done", 2)
        assert list(await session.scalars(select(effects.c.holder))) == ["other"]
        sources = [payload for payload in await session.scalars(select(messaging.outbox.c.payload))]
    assert len(sources) == 1 and b'"source":"other"' in sources[0].replace(b" ", b"")


async def test_a_heartbeat_that_finds_the_task_claimed_again_stops_the_step(setting) -> None:
    sessions, messaging, tasks, effects, _ = setting
    queue = WorkQueue(tasks, active="working")
    replica = Replica("stale", queue, transactions(sessions, messaging), effects, heartbeat_seconds=0.1)
    running = asyncio.create_task(replica.worker.run_next())
    await claimed(sessions, tasks, 1)
    async with sessions() as session, session.begin():  # another replica's claim, as it lands in the row
        await session.execute(update(tasks).values(claims=tasks.c.claims + 1, claimed_at=datetime.now(UTC)))

    assert await asyncio.wait_for(running, 5), "the step stopped without being let go"
    assert replica.saw_cancel
    async with sessions() as session:
        assert (await session.execute(select(tasks.c.status, tasks.c.claims))).one() == ("working", 2)
        assert list(await session.scalars(select(effects.c.holder))) == []
        assert list(await session.scalars(select(messaging.outbox.c.id))) == []


async def test_the_holder_renews_and_ends_its_task_while_it_holds_the_claim(setting) -> None:
    sessions, messaging, tasks, effects, _ = setting
    queue = WorkQueue(tasks, active="working")
    replica = Replica("holder", queue, transactions(sessions, messaging), effects, heartbeat_seconds=0.05)
    running = asyncio.create_task(replica.worker.run_next())
    await claimed(sessions, tasks, 1)
    await asyncio.sleep(0.3)  # several heartbeats pass with the claim still held
    replica.go.set()
    assert await running
    assert not replica.saw_cancel
    async with sessions() as session:
        assert (await session.execute(select(tasks.c.status, tasks.c.claims))).one() == ("done", 1)
        assert list(await session.scalars(select(effects.c.holder))) == ["holder"]
        # The row names the process that claimed it, as host and pid.
        assert await session.scalar(select(tasks.c.claimed_by)) == f"{socket.gethostname()}:{os.getpid()}"


async def test_a_step_s_transactions_committing_at_once_all_pass_the_fence(setting) -> None:
    sessions, messaging, tasks, _, parts = setting
    queue = WorkQueue(tasks, active="working")
    transaction = transactions(sessions, messaging)
    together = 8
    inserted = asyncio.Barrier(together)

    async def add_part(number: int) -> None:
        async with transaction() as uow:
            await uow.session.execute(insert(parts).values(id=number, task_id=TASK))
            await inserted.wait()  # every transaction holds its row's reference to the task before any commits

    async def step(task: Claimed, claim: Claim) -> None:
        await asyncio.gather(*(add_part(number) for number in range(together)))
        async with transaction() as uow:
            await queue.finish(uow.session, task.id, "done")

    worker = LeasedWorker("parts", queue, transaction, Replica._task, step, heartbeat_seconds=60)
    assert await asyncio.wait_for(worker.run_next(), 30)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(parts)) == together
        assert await session.scalar(select(tasks.c.status)) == "done"


async def test_a_step_s_commits_to_another_database_are_not_checked_against_its_claim(setting, tmp_path) -> None:
    """Embedded mode calls other services in process, in the step's context; their databases hold no claim."""
    sessions, messaging, tasks, _, _ = setting
    queue = WorkQueue(tasks, active="working")
    transaction = transactions(sessions, messaging)
    other_metadata = MetaData()
    notes = Table("notes", other_metadata, Column("id", Integer, primary_key=True))
    other = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")

    async def step(task: Claimed, claim: Claim) -> None:
        async with other.begin() as connection:
            await connection.run_sync(other_metadata.create_all)
        async with session_factory(other)() as session, session.begin():
            await session.execute(insert(notes).values(id=1))
        async with transaction() as uow:
            await queue.finish(uow.session, task.id, "done")

    try:
        assert await LeasedWorker("notes", queue, transaction, Replica._task, step, heartbeat_seconds=60).run_next()
        async with session_factory(other)() as session:
            assert await session.scalar(select(func.count()).select_from(notes)) == 1
    finally:
        await other.dispose()
    async with sessions() as session:
        assert await session.scalar(select(tasks.c.status)) == "done"
