"""A gateway app on a migrated SQLite database, its jobs service faked, reached in process."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
import pytest

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import Service
from tenderflow_common.settings import RedisSettings
from tenderflow_gateway import repository
from tenderflow_gateway.domain import DEFAULT_KEY_SCOPES
from tenderflow_gateway.main import MIGRATIONS, build_service
from tenderflow_gateway.settings import GatewaySettings

ACTIVE_KID = "2026-12"
RETIRING_KID = "2026-11"
SIGNING_KEYS = {ACTIVE_KID: secrets.token_urlsafe(32), RETIRING_KID: secrets.token_urlsafe(32)}


def jobs_service(request: httpx.Request) -> httpx.Response:
    """The jobs service's internal API as the gateway reads it: no jobs at all."""
    if request.url.path == "/internal/jobs":
        return httpx.Response(200, json={"jobs": []})
    return httpx.Response(404, json={"title": "not found"})


@dataclass
class Gateway:
    """The app, a client for it, and ways to make keys and read the audit trail."""

    service: Service
    client: httpx.AsyncClient

    async def key(self, tenant: str = "acme", scopes: frozenset[str] = DEFAULT_KEY_SCOPES,
                  expires_at: datetime | None = None) -> str:
        async with self.service.runtime.sessions() as session, session.begin():
            tenant_id = await repository.ensure_tenant(session, tenant)
            return (await repository.create_key(session, tenant_id, scopes=scopes, expires_at=expires_at))[1]

    async def tenant_id(self, name: str = "acme") -> str:
        async with self.service.runtime.sessions() as session, session.begin():
            return await repository.ensure_tenant(session, name)

    async def audit(self) -> list[dict]:
        async with self.service.runtime.sessions() as session:
            return await repository.audit_events(session)

    async def keys(self) -> list[dict]:
        async with self.service.runtime.sessions() as session:
            return await repository.list_keys(session)


MakeGateway = Callable[..., Awaitable[Gateway]]


@pytest.fixture
async def make_gateway(tmp_path) -> AsyncIterator[MakeGateway]:
    """Build gateways with settings of the test's choosing; every one is closed afterwards."""
    built: list[Gateway] = []

    async def make(client_address: str = "203.0.113.7", scheme: str = "http", jobs=jobs_service,
                   **settings) -> Gateway:
        database_url = f"sqlite+aiosqlite:///{tmp_path / f'gateway-{len(built)}.db'}"
        await upgrade_to_head(MIGRATIONS, database_url)
        defaults = {"database_url": database_url, "redis": RedisSettings(url=""),
                    "token_signing_keys": SIGNING_KEYS, "token_active_kid": ACTIVE_KID}
        service = build_service(GatewaySettings(**(defaults | settings)), InMemoryTransport(),
                                peers={"jobs": httpx.MockTransport(jobs)})
        transport = httpx.ASGITransport(app=service.app, client=(client_address, 50000))
        client = httpx.AsyncClient(transport=transport, base_url=f"{scheme}://gateway")
        built.append(Gateway(service, client))
        return built[-1]

    yield make
    for gateway in built:
        await gateway.client.aclose()
        await gateway.service.runtime.engine.dispose()
