"""Alembic per service: the migrate step, the schema check at start, and the shared body of every env.py."""

import asyncio
import os
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tenderflow_common import advisory_locks
from tenderflow_common.db import UtcDateTime
from tenderflow_common.settings import PostgresSettings


def alembic_config(script_location: Path, database_url: str) -> Config:
    """An Alembic config built in code, so no alembic.ini has to be found at run time."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_to_head(script_location: Path, database_url: str) -> None:
    """Bring a service's database to the newest schema (Alembic runs its own loop, so in a thread)."""
    await asyncio.to_thread(command.upgrade, alembic_config(script_location, database_url), "head")


async def migrate(script_location: Path, database_url: str, service: str) -> None:
    """Bring a database to head once even when several runs start together: PostgreSQL queues them on a lock."""
    if not database_url.startswith("postgresql"):
        await upgrade_to_head(script_location, database_url)
        return
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            # A session lock, held on this connection while Alembic migrates on its own; closing it releases it.
            await advisory_locks.hold(connection, f"tenderflow-migrate-{service}")
            await upgrade_to_head(script_location, database_url)
    finally:
        await engine.dispose()


async def at_head(script_location: Path, database_url: str) -> bool:
    """Whether the database already has the newest schema, read without changing anything."""
    heads = set(ScriptDirectory.from_config(alembic_config(script_location, database_url)).get_heads())
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(lambda sync: set(MigrationContext.configure(sync).get_current_heads()))
    finally:
        await engine.dispose()
    return current == heads


def migrate_command(service: str, script_location: Path) -> None:
    """`python -m tenderflow_<service> migrate`: the deployment's own step, run as the schema's owner."""
    # Read here rather than through the service's settings, which production validates for keys this step lacks.
    database_url = (os.environ.get(f"TENDERFLOW_{service.upper()}_MIGRATION_DATABASE_URL")
                    or os.environ.get(f"TENDERFLOW_{service.upper()}_DATABASE_URL")
                    or PostgresSettings().database_url(service))
    asyncio.run(migrate(script_location, database_url, service))
    print(f"{service}: database at the newest schema")


def _render_item(kind: str, item: object, _context: object) -> str | bool:
    """Migrations store UTC timestamps as plain timezone-aware columns; the decorator only converts in Python."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_env(metadata: MetaData) -> None:
    """What every migrations/env.py does: run offline as SQL or online over an async engine."""
    url = context.config.get_main_option("sqlalchemy.url")
    batch = bool(url and url.startswith("sqlite"))
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=batch,
                          render_item=_render_item)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=batch,
                          render_item=_render_item)
        with context.begin_transaction():
            context.run_migrations()

    async def online() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(online())
