"""A queue built by tenant takes turns on PostgreSQL: the least served tenant's oldest task first, never a tenant
past its cap, and a step that gives its turn back is claimed again, after the other tenant's task."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Boolean, Column, Integer, String, Table, func, insert, select, update

from tenderflow_common.db import UtcDateTime, create_engine, new_metadata, session_factory
from tenderflow_common.work import CLAIM_LOCK_WAIT, Claimed, TimeSlice, WorkQueue, _one_claim_at_a_time

pytestmark = pytest.mark.integration


def tenant_tasks() -> Table:
    return Table("tasks", new_metadata(), Column("id", String(20), primary_key=True),
                 Column("tenant_id", String(20), nullable=False), Column("status", String(20), nullable=False),
                 Column("cancel_requested", Boolean, nullable=False), Column("claimed_at", UtcDateTime()),
                 Column("claimed_by", String(255)), Column("claims", Integer, nullable=False, server_default="0"),
                 Column("created_at", UtcDateTime(), nullable=False), Column("finished_at", UtcDateTime()))


@pytest.fixture
async def tasks(fresh_database_url: str):
    table = tenant_tasks()
    engine = create_engine(fresh_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.create_all)
    try:
        yield table, session_factory(engine)
    finally:
        await engine.dispose()


async def add(sessions, table: Table, *tasks: tuple[str, str]) -> None:
    """Pending tasks (id, tenant), each created after the one before."""
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        for number, (task_id, tenant) in enumerate(tasks):
            await session.execute(insert(table).values(id=task_id, tenant_id=tenant, status="pending",
                                                       cancel_requested=False,
                                                       created_at=now + timedelta(milliseconds=number)))


async def claim(sessions, queue: WorkQueue) -> str | None:
    async with sessions() as session, session.begin():
        row = await queue.claim_next(session)
    return None if row is None else row.id


async def test_tenants_take_turns_however_many_tasks_one_has_queued(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True)
    await add(sessions, table, *[(f"a{n}", "a") for n in range(5)], ("b0", "b"), ("b1", "b"), ("c0", "c"))

    order = [await claim(sessions, queue) for _ in range(8)]

    assert order[:3] == ["a0", "b0", "c0"], "each tenant's oldest task before anyone's second"
    assert order[3:5] == ["a1", "b1"] and order[5:] == ["a2", "a3", "a4"]
    assert await claim(sessions, queue) is None


async def test_a_fifo_queue_still_takes_the_oldest_task(tasks) -> None:
    table, sessions = tasks
    await add(sessions, table, *[(f"a{n}", "a") for n in range(3)], ("b0", "b"))

    order = [await claim(sessions, WorkQueue(table, active="working")) for _ in range(4)]

    assert order == ["a0", "a1", "a2", "b0"]


async def test_a_tenant_at_its_cap_waits_until_a_claim_ends_or_its_lease_runs_out(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True, tenant_cap=2)
    await add(sessions, table, *[(f"a{n}", "a") for n in range(4)])

    assert [await claim(sessions, queue) for _ in range(3)] == ["a0", "a1", None]
    async with sessions() as session, session.begin():
        await session.execute(update(table).where(table.c.id == "a0").values(status="done"))
    assert await claim(sessions, queue) == "a2"
    async with sessions() as session, session.begin():  # a1's holder died: its lease no longer counts
        await session.execute(update(table).where(table.c.id == "a1")
                              .values(claimed_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert await claim(sessions, queue) == "a1"


async def test_replicas_claiming_at_once_never_pass_the_cap(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True, tenant_cap=3)
    await add(sessions, table, *[(f"a{n}", "a") for n in range(20)], ("b0", "b"))

    claimed = await asyncio.gather(*(claim(sessions, queue) for _ in range(12)))

    async with sessions() as session:
        working = dict((await session.execute(select(table.c.tenant_id, func.count()).where(
            table.c.status == "working").group_by(table.c.tenant_id))).all())
    assert working == {"a": 3, "b": 1}
    assert sorted(task for task in claimed if task) == sorted(["a0", "a1", "a2", "b0"])


async def test_a_task_gives_its_turn_only_when_another_tenant_waits_and_is_claimed_again_after(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True)
    await add(sessions, table, ("a0", "a"))
    big = Claimed(id=await claim(sessions, queue), job_id="job-a", tenant_id="a", correlation_id="c",
                  causation_id="x")

    async with sessions() as session, session.begin():
        assert not await queue.give_turn(session, big), "nobody else waits: keep going"
    await add(sessions, table, ("a1", "a"))
    async with sessions() as session, session.begin():
        assert not await queue.give_turn(session, big), "the same tenant's next task waits its own turn"
    await add(sessions, table, ("b0", "b"))
    async with sessions() as session, session.begin():
        assert await queue.give_turn(session, big)

    assert [await claim(sessions, queue) for _ in range(3)] == ["b0", "a0", "a1"]
    async with sessions() as session:
        assert await session.scalar(select(table.c.claims).where(table.c.id == "a0")) == 2


async def test_a_task_keeps_its_turn_while_the_waiting_tenant_is_at_its_cap(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True, tenant_cap=1)
    await add(sessions, table, ("a0", "a"), ("b0", "b"), ("b1", "b"))
    big = Claimed(id=await claim(sessions, queue), job_id="job-a", tenant_id="a", correlation_id="c",
                  causation_id="x")
    assert big.id == "a0" and await claim(sessions, queue) == "b0"

    async with sessions() as session, session.begin():
        assert not await queue.give_turn(session, big), "b1 could not be claimed while b0 is in work"
    async with sessions() as session, session.begin():
        await session.execute(update(table).where(table.c.id == "b0").values(status="done"))
    async with sessions() as session, session.begin():
        assert await queue.give_turn(session, big)
    assert await claim(sessions, queue) == "b1"


def test_a_time_slice_is_spent_once_per_slice() -> None:
    time_slice = TimeSlice(0.05)
    assert not time_slice.spent()
    time.sleep(0.06)
    assert time_slice.spent()
    assert not time_slice.spent(), "asking starts the next slice"


async def test_a_replica_frozen_inside_its_claim_holds_the_others_up_for_a_second_only(tasks) -> None:
    table, sessions = tasks
    queue = WorkQueue(table, active="working", by_tenant=True)
    await add(sessions, table, ("a0", "a"))
    async with sessions() as frozen, frozen.begin():
        await _one_claim_at_a_time(frozen, table)  # and stops there, its transaction open
        started = time.monotonic()
        assert await asyncio.wait_for(claim(sessions, queue), 10) == "a0"
        waited = time.monotonic() - started
    assert CLAIM_LOCK_WAIT <= waited < CLAIM_LOCK_WAIT + 5
