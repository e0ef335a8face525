"""Direct access to the gateway's database for administration commands."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_gateway.main import MIGRATIONS
from tenderflow_gateway.settings import GatewaySettings


@asynccontextmanager
async def gateway_session() -> AsyncIterator[AsyncSession]:
    """A committed-on-success session on the migrated gateway database."""
    url = GatewaySettings().resolved_database_url("gateway")
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url, pool_size=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()
