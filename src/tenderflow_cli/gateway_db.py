"""Direct access to the gateway's database for administration commands."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_cli.errors import CliError, one_line, without_password
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_gateway.main import MIGRATIONS
from tenderflow_gateway.settings import GatewaySettings


def gateway_database_url(data_dir: Path | None) -> str:
    """Embedded mode's SQLite file when a data folder is named, else the configured gateway database."""
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{data_dir / 'gateway'}.db"
    return GatewaySettings().resolved_database_url("gateway")


@asynccontextmanager
async def gateway_session(data_dir: Path | None = None) -> AsyncIterator[AsyncSession]:
    """A committed-on-success session on the migrated gateway database."""
    url = gateway_database_url(data_dir)
    try:
        await upgrade_to_head(MIGRATIONS, url)
    except (OSError, DBAPIError) as error:
        raise CliError(f"cannot open the gateway database at {without_password(url)} ({one_line(error)}); is "
                       "`make infra-up` running, and is TENDERFLOW_POSTGRES_URL right?") from error
    engine = create_engine(url, pool_size=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()
