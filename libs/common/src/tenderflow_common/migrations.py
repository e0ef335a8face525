"""Alembic per service: migrate on start, and the shared body of every service's env.py."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tenderflow_common.db import UtcDateTime


def alembic_config(script_location: Path, database_url: str) -> Config:
    """An Alembic config built in code, so no alembic.ini has to be found at run time."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_to_head(script_location: Path, database_url: str) -> None:
    """Bring a service's database to the newest schema (Alembic runs its own loop, so in a thread)."""
    await asyncio.to_thread(command.upgrade, alembic_config(script_location, database_url), "head")


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
