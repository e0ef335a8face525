"""Who is calling: an API key or an access token naming exactly one tenant, with the scopes it was given."""

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from tenderflow_common.endpoints import Database
from tenderflow_common.problems import Problem
from tenderflow_gateway import repository
from tenderflow_gateway.domain import looks_like_api_key, required_scope
from tenderflow_gateway.key_cache import KeyCache
from tenderflow_gateway.rate_limits import FailedAuthLimiter, TenantRateLimiter
from tenderflow_gateway.tokens import InvalidToken, TokenVerifier

Authenticate = Callable[..., Awaitable[str]]
UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="tenderflow", ApiKey header="X-API-Key"'}
API_KEY = APIKeyHeader(name="X-API-Key", scheme_name="ApiKey", auto_error=False,
                       description="An API key (`tf_...`), as created by `tenderflow keys create`.")
BEARER = HTTPBearer(scheme_name="Bearer", bearerFormat="JWT", auto_error=False,
                    description="An access token from `POST /v1/auth/token`, or from the configured identity "
                                "provider.")


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: its tenant, its scopes, and the key behind it (none for a provider's token)."""

    tenant_id: str
    scopes: frozenset[str]
    key_id: str | None = None
    key_expires_at: float | None = None


def client_address(request: Request) -> str:
    """The peer address, as uvicorn gives it (trusted proxies' forwarded address included)."""
    return request.client.host if request.client else "unknown"


class Authenticator:
    """Checks credentials, refuses guessing from one address, audits failures and spends tenants' budgets."""

    def __init__(self, database: Database, tenant_limiter: TenantRateLimiter, failure_limiter: FailedAuthLimiter,
                 verifier: TokenVerifier, keys: KeyCache | None = None) -> None:
        self.database = database
        self.tenant_limiter = tenant_limiter
        self.failure_limiter = failure_limiter
        self.verifier = verifier
        self.keys = keys or KeyCache(0)

    async def with_key(self, request: Request, key: str | None) -> Caller:
        """The caller behind an API key (401 when it is missing, unknown, revoked or expired)."""
        address = client_address(request)
        await self.failure_limiter.refuse_if_blocked(address)
        if not key:
            raise await self._failed(address, "missing", "Missing API key", "Send your key in the X-API-Key header.")
        return await self._key_caller(address, key)

    async def caller(self, request: Request, key: str | None, bearer: HTTPAuthorizationCredentials | None) -> Caller:
        """The caller behind an API key or a bearer token, whichever was sent (both at once is refused)."""
        address = client_address(request)
        await self.failure_limiter.refuse_if_blocked(address)
        if key and bearer:
            raise await self._failed(address, "both credentials", "Ambiguous credentials",
                                     "Send an X-API-Key or an Authorization bearer token, not both.")
        if bearer:
            return await self._token_caller(address, bearer.credentials)
        if key:
            return await self._key_caller(address, key)
        raise await self._failed(address, "missing", "Missing credentials",
                                 "Send an X-API-Key header or an Authorization: Bearer token.")

    def cost(self, request: Request) -> int:
        """What the request spends of its tenant's budget (uploads, runs and other writes weigh more than reads)."""
        return self.tenant_limiter.weights.cost(request.method, request.scope["path"])

    async def spend(self, caller: Caller, cost: int = 1) -> None:
        await self.tenant_limiter.check(caller.tenant_id, cost)

    async def refuse_scope(self, request: Request, caller: Caller, scope: str) -> None:
        """403 (audited) unless the caller holds `scope`."""
        if scope in caller.scopes:
            return
        await self._audit("scope_refused", client_address(request), f"needs {scope}", caller.tenant_id,
                          caller.key_id)
        raise Problem(403, "Insufficient scope", f"This request needs the `{scope}` scope.",
                      kind="insufficient-scope", required_scope=scope,
                      headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})

    async def _key_caller(self, address: str, key: str) -> Caller:
        found = await self.keys.live(key, functools.partial(self._stored_key, key)) if looks_like_api_key(key) else None
        if found is None:
            raise await self._failed(address, "unknown, revoked or expired key", "Invalid API key",
                                     "The key is unknown, revoked or expired.")
        expires = found.expires_at.timestamp() if found.expires_at else None
        return Caller(found.tenant_id, found.scopes, found.id, expires)

    async def _stored_key(self, key: str) -> repository.LiveKey | None:
        async with self.database.sessions() as session, session.begin():
            found = await repository.live_key(session, key)
            if found is not None:
                await repository.mark_key_used(session, found.id)
        return found

    async def _token_caller(self, address: str, token: str) -> Caller:
        try:
            verified = await self.verifier.verify(token)
        except InvalidToken as error:
            raise await self._failed(address, f"jwt {error}", "Invalid token",
                                     "The token is malformed, expired, not yet valid or not ours.") from error
        if not verified.external:
            return Caller(verified.subject, verified.scopes, verified.key_id)
        async with self.database.sessions() as session:
            tenant_id = await repository.tenant_id_named(session, verified.subject)
        if tenant_id is None:
            raise await self._failed(address, "jwt names an unknown tenant", "Invalid token",
                                     "The token names no tenant of this installation.")
        return Caller(tenant_id, verified.scopes)

    async def _failed(self, address: str, reason: str, title: str, detail: str) -> Problem:
        """Count the failure against the address, audit it, and give the 401 to raise."""
        await self.failure_limiter.count_failure(address)
        await self._audit("auth_failed", address, reason)
        return Problem(401, title, detail, kind="unauthenticated", headers=UNAUTHORIZED)

    async def _audit(self, event: str, address: str, reason: str, tenant_id: str | None = None,
                     key_id: str | None = None) -> None:
        async with self.database.sessions() as session, session.begin():
            await repository.record_event(session, event, tenant_id=tenant_id, key_id=key_id,
                                          client_address=address, reason=reason)


def caller_dependency(authenticator: Authenticator):
    """A dependency resolving the caller from either credential, declaring both security schemes in OpenAPI."""

    async def current_caller(request: Request, key: Annotated[str | None, Security(API_KEY)],
                             bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]) -> Caller:
        return await authenticator.caller(request, key, bearer)

    return current_caller


@dataclass(frozen=True)
class Unspent:
    """A caller admitted but for the request's cost, which a job poll spends along with its read of the view."""

    tenant_id: str
    cost: int


def tenant_dependency(authenticator: Authenticator):
    """A dependency resolving the caller's tenant id (or answering 401, or 403 without the method's scope), then
    spending the request's cost from the tenant's budget."""
    CurrentCaller = Annotated[Caller, Depends(caller_dependency(authenticator))]

    async def current_tenant(request: Request, caller: CurrentCaller) -> str:
        await authenticator.refuse_scope(request, caller, required_scope(request.method))
        await authenticator.spend(caller, authenticator.cost(request))
        return caller.tenant_id

    return current_tenant


def admin_dependency(authenticator: Authenticator):
    """A dependency admitting only callers with the `admin` scope."""
    CurrentCaller = Annotated[Caller, Depends(caller_dependency(authenticator))]

    async def current_admin(request: Request, caller: CurrentCaller) -> Caller:
        await authenticator.refuse_scope(request, caller, "admin")
        await authenticator.spend(caller, authenticator.cost(request))
        return caller

    return current_admin
