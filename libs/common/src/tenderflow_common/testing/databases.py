"""Fresh PostgreSQL databases for tests, so each test module starts from an empty schema."""

import uuid

import asyncpg
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_fixed


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def create_database(server_url: str, prefix: str) -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"test_{prefix}_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(f"{_plain_dsn(server_url).rstrip('/')}/postgres")
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{server_url.rstrip('/')}/{name}"


async def drop_database(server_url: str, database_url: str) -> None:
    """Drop a test database, disconnecting whoever still holds it.

    An autovacuum worker that happens to be on it is not ours to terminate, so FORCE refuses while it runs; it ends
    on its own within moments, and the drop is tried again."""
    name = database_url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(f"{_plain_dsn(server_url).rstrip('/')}/postgres")
    try:
        retrying = AsyncRetrying(retry=retry_if_exception_type(asyncpg.InsufficientPrivilegeError),
                                 wait=wait_fixed(0.2), stop=stop_after_delay(30), reraise=True)
        await retrying(connection.execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
