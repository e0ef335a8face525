"""Exchanging an API key for a short-lived access token, and the admin routes for tenants and keys."""

import functools
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, Field

from tenderflow_common.problems import Problem
from tenderflow_gateway import repository
from tenderflow_gateway.auth import API_KEY, Authenticator, Caller, admin_dependency
from tenderflow_gateway.domain import DEFAULT_KEY_SCOPES, TENANT_NAME, scopes_text


class AccessToken(BaseModel):
    """An access token to send as `Authorization: Bearer <access_token>` until it expires."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str


class NewTenant(BaseModel):
    """A tenant to create (nothing happens if it exists)."""

    name: str = Field(pattern=TENANT_NAME.pattern, examples=["acme"])


class TenantView(BaseModel):
    id: str
    name: str


class NewKey(BaseModel):
    """A key to create for a tenant, with its scopes and, optionally, when it stops working."""

    tenant: str = Field(pattern=TENANT_NAME.pattern, examples=["acme"])
    scopes: list[Literal["read", "write", "admin"]] = Field(default=sorted(DEFAULT_KEY_SCOPES), min_length=1)
    expires_at: AwareDatetime | None = None


class CreatedKey(BaseModel):
    """A new key; `key` is shown this once and only its hash is kept."""

    id: str
    key: str
    tenant: str
    scopes: list[str]
    expires_at: datetime | None


class KeyView(BaseModel):
    """A key as listed: never its secret."""

    id: str
    tenant: str
    prefix: str
    scopes: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class AuthEvent(BaseModel):
    """One row of the audit trail."""

    occurred_at: datetime
    event: str
    tenant_id: str | None
    key_id: str | None
    actor: str | None
    client_address: str | None
    reason: str | None


def _actor(caller: Caller) -> str:
    """Who did it, for the audit trail: the admin's key (directly or behind a token), or a provider's token."""
    return f"key:{caller.key_id}" if caller.key_id else f"token:{caller.tenant_id}"


def auth_router(authenticator: Authenticator) -> APIRouter:
    """`POST /v1/auth/token`, and the admin routes that create tenants and create or revoke keys."""
    router = APIRouter(prefix="/v1")
    Admin = Annotated[Caller, Depends(admin_dependency(authenticator))]
    UnitOfWork = authenticator.database.unit_of_work()

    @router.post("/auth/token", response_model=AccessToken, tags=["auth"])
    async def issue_token(request: Request, key: Annotated[str | None, Security(API_KEY)]) -> JSONResponse:
        """Exchange an API key for an access token carrying the key's tenant and scopes.

        The token lives `TENDERFLOW_GATEWAY_TOKEN_TTL_SECONDS` at most, and never past the key's own expiry; a
        revoked key's tokens work until they expire."""
        caller = await authenticator.with_key(request, key)
        await authenticator.spend(caller)
        own = authenticator.verifier.own
        token, expires_in = own.issue(caller.tenant_id, caller.scopes, key_id=caller.key_id or "",
                                      not_after=caller.key_expires_at)
        body = AccessToken(access_token=token, expires_in=expires_in, scope=scopes_text(caller.scopes))
        return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @router.post("/tenants", status_code=201, response_model=TenantView, tags=["admin"])
    async def create_tenant(body: NewTenant, caller: Admin, uow: UnitOfWork) -> TenantView:
        """Create a tenant; needs the `admin` scope."""
        tenant_id = await repository.ensure_tenant(uow.session, body.name)
        return TenantView(id=tenant_id, name=body.name)

    @router.post("/keys", status_code=201, response_model=CreatedKey, tags=["admin"])
    async def create_key(body: NewKey, caller: Admin, uow: UnitOfWork) -> CreatedKey:
        """Create a key for a tenant (created if missing); needs the `admin` scope."""
        if body.expires_at is not None and body.expires_at <= datetime.now(UTC):
            raise Problem(422, "Key would be expired", "`expires_at` must be in the future.", kind="validation")
        tenant_id = await repository.ensure_tenant(uow.session, body.tenant)
        key_id, key = await repository.create_key(uow.session, tenant_id, scopes=frozenset(body.scopes),
                                                  expires_at=body.expires_at, actor=_actor(caller))
        return CreatedKey(id=key_id, key=key, tenant=body.tenant, scopes=sorted(set(body.scopes)),
                          expires_at=body.expires_at)

    @router.delete("/keys/{key_id}", status_code=204, tags=["admin"])
    async def revoke_key(key_id: str, caller: Admin, uow: UnitOfWork) -> Response:
        """Revoke a key; requests with it get 401 from then on (from other gateway replicas within
        `TENDERFLOW_GATEWAY_KEY_CACHE_SECONDS`); needs the `admin` scope."""
        if not await repository.revoke_key(uow.session, key_id, actor=_actor(caller)):
            raise Problem(404, "Key not found", "No live key has this id.", kind="key-not-found")
        uow.after_commit(functools.partial(authenticator.keys.forget, key_id))
        return Response(status_code=204)

    @router.get("/keys", response_model=list[KeyView], tags=["admin"])
    async def list_keys(caller: Admin) -> list[KeyView]:
        """Every key, without its secret; needs the `admin` scope."""
        async with authenticator.database.sessions() as session:
            return [KeyView(**row) for row in await repository.list_keys(session)]

    @router.get("/auth-events", response_model=list[AuthEvent], tags=["admin"])
    async def list_auth_events(caller: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuthEvent]:
        """The audit trail, newest first: keys created and revoked, failed authentication, scope refusals."""
        async with authenticator.database.sessions() as session:
            return [AuthEvent(**row) for row in await repository.audit_events(session, limit)]

    return router
