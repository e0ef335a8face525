"""Advisory locks on PostgreSQL: a named lock is held by one transaction (or connection) at a time, whichever
helper took it, and a lock held too long is given up on rather than waited for."""

import time

import pytest
from sqlalchemy import NullPool
from sqlalchemy.ext.asyncio import create_async_engine

from tenderflow_common import advisory_locks
from tenderflow_common.db import create_engine, session_factory

pytestmark = pytest.mark.integration


@pytest.fixture
async def engine(fresh_database_url: str):
    engine = create_engine(fresh_database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_a_lock_taken_by_one_transaction_is_refused_to_another_until_it_ends(engine) -> None:
    sessions = session_factory(engine)
    async with sessions() as first, first.begin():
        assert await advisory_locks.try_lock(first, "sweep")
        async with sessions() as second, second.begin():
            assert not await advisory_locks.try_lock(second, "sweep")
            assert await advisory_locks.try_lock(second, "another sweep"), "another name is another lock"
    async with sessions() as third, third.begin():
        assert await advisory_locks.try_lock(third, "sweep"), "the lock went with the first transaction"


async def test_waiting_for_a_lock_gives_up_after_its_time_and_a_connection_lock_counts_too(
        engine, fresh_database_url: str) -> None:
    sessions = session_factory(engine)
    unpooled = create_async_engine(fresh_database_url, poolclass=NullPool)
    async with unpooled.connect() as holder:
        await advisory_locks.hold(holder, "migrate")
        async with sessions() as waiting, waiting.begin():
            started = time.monotonic()
            assert not await advisory_locks.lock(waiting, "migrate", within=0.2)
            assert time.monotonic() - started >= 0.2
    await unpooled.dispose()
    async with sessions() as after, after.begin():
        assert await advisory_locks.lock(after, "migrate", within=0.2), "closing the connection let it go"
