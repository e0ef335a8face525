"""PostgreSQL advisory locks named by text, so every caller derives a lock's key the same way (`hashtext`).

Elsewhere (SQLite: tests and embedded mode) there is one writer anyway, so every lock counts as taken."""

import asyncio
import time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

RETRY_SECONDS = 0.01


def _key(name: str):
    return func.hashtext(name)


def _postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def try_lock(session: AsyncSession, name: str) -> bool:
    """Take the lock `name` until the transaction ends if no one holds it; whether this transaction now does."""
    if not _postgresql(session):
        return True
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(_key(name)))))


async def lock(session: AsyncSession, name: str, within: float) -> bool:
    """Take the lock `name` until the transaction ends, waiting at most `within` seconds for its holder; whether
    this transaction now holds it (a holder that never lets go is a frozen replica, not worth waiting for)."""
    deadline = time.monotonic() + within
    while not await try_lock(session, name):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(RETRY_SECONDS)
    return True


async def hold(connection: AsyncConnection, name: str) -> None:
    """Wait for the lock `name` and keep it on this PostgreSQL connection until it closes (a pooled connection
    returned to its pool keeps it: hold it on an engine without a pool)."""
    await connection.execute(select(func.pg_advisory_lock(_key(name))))
