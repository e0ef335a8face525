"""Who is calling: an API key maps to exactly one tenant."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header

from tenderflow_common.endpoints import Database
from tenderflow_common.problems import Problem
from tenderflow_gateway import repository
from tenderflow_gateway.domain import looks_like_api_key
from tenderflow_gateway.rate_limits import TenantRateLimiter

Authenticate = Callable[..., Awaitable[str]]
UNAUTHORIZED = {"WWW-Authenticate": 'ApiKey header="X-API-Key"'}


def tenant_dependency(database: Database, rate_limiter: TenantRateLimiter):
    """A dependency resolving the caller's tenant id (or answering 401), then spending one of its requests."""

    async def current_tenant(x_api_key: Annotated[str | None, Header()] = None) -> str:
        if not x_api_key:
            raise Problem(401, "Missing API key", "Send your key in the X-API-Key header.",
                          kind="unauthenticated", headers=UNAUTHORIZED)
        tenant_id = None
        if looks_like_api_key(x_api_key):
            async with database.sessions() as session:
                tenant_id = await repository.tenant_for_key(session, x_api_key)
        if tenant_id is None:
            raise Problem(401, "Invalid API key", "The key is unknown or revoked.", kind="unauthenticated",
                          headers=UNAUTHORIZED)
        await rate_limiter.check(tenant_id)
        return tenant_id

    return current_tenant
