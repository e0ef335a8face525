"""Tenants, keys, the audit trail and submissions in the gateway's database."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.telemetry import current_trace_headers
from tenderflow_gateway.domain import DEFAULT_KEY_SCOPES, hash_api_key, known_scopes, new_api_key, scopes_text
from tenderflow_gateway.models import api_keys, auth_events, submissions, tenants

# Marking a key used once a minute is enough for "last used" and spares a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
audit_log = logging.getLogger("tenderflow_gateway.audit")


@dataclass(frozen=True)
class LiveKey:
    """A key that is neither revoked nor expired: whose it is and what it may do."""

    id: str
    tenant_id: str
    scopes: frozenset[str]
    expires_at: datetime | None


async def ensure_tenant(session: AsyncSession, name: str) -> str:
    """The id of the tenant with this name, created if missing."""
    tenant_id = await session.scalar(select(tenants.c.id).where(tenants.c.name == name))
    if tenant_id is None:
        tenant_id = uuid.uuid4().hex
        await session.execute(insert(tenants).values(id=tenant_id, name=name))
    return tenant_id


async def list_tenants(session: AsyncSession) -> list[dict]:
    """Every tenant, oldest first."""
    rows = await session.execute(select(tenants).order_by(tenants.c.created_at, tenants.c.name))
    return [dict(row._mapping) for row in rows]


async def tenant_id_named(session: AsyncSession, name: str) -> str | None:
    """The id of the tenant with this name, if there is one."""
    return await session.scalar(select(tenants.c.id).where(tenants.c.name == name))


async def create_key(session: AsyncSession, tenant_id: str, *, scopes: frozenset[str] = DEFAULT_KEY_SCOPES,
                     expires_at: datetime | None = None, actor: str = "cli") -> tuple[str, str]:
    """Store a new key's hash and audit its creation; returns (key id, the key itself)."""
    key, prefix = new_api_key()
    key_id = uuid.uuid4().hex
    await session.execute(insert(api_keys).values(id=key_id, tenant_id=tenant_id, prefix=prefix,
                                                  key_hash=hash_api_key(key), scopes=scopes_text(scopes),
                                                  expires_at=expires_at))
    await record_event(session, "key_created", tenant_id=tenant_id, key_id=key_id, actor=actor,
                       reason=f"scopes: {scopes_text(scopes)}")
    return key_id, key


async def list_keys(session: AsyncSession, tenant_id: str | None = None) -> list[dict]:
    """Keys without their secrets."""
    query = select(api_keys.c.id, api_keys.c.prefix, api_keys.c.scopes, api_keys.c.created_at,
                   api_keys.c.expires_at, api_keys.c.last_used_at, api_keys.c.revoked_at,
                   tenants.c.name.label("tenant")).join(tenants)
    if tenant_id:
        query = query.where(api_keys.c.tenant_id == tenant_id)
    return [dict(row._mapping) for row in await session.execute(query.order_by(api_keys.c.created_at))]


async def revoke_key(session: AsyncSession, key_id: str, *, actor: str = "cli") -> bool:
    """Mark a key revoked and audit it; False when no live key has that id."""
    tenant_id = await session.scalar(
        update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC)).returning(api_keys.c.tenant_id)
    )
    if tenant_id is None:
        return False
    await record_event(session, "key_revoked", tenant_id=tenant_id, key_id=key_id, actor=actor)
    return True


async def live_key(session: AsyncSession, key: str, now: datetime | None = None) -> LiveKey | None:
    """The key with this secret, unless it is revoked or expired."""
    now = now or datetime.now(UTC)
    row = (await session.execute(
        select(api_keys.c.id, api_keys.c.tenant_id, api_keys.c.scopes, api_keys.c.expires_at)
        .where(api_keys.c.key_hash == hash_api_key(key), api_keys.c.revoked_at.is_(None),
               or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > now))
    )).first()
    if row is None:
        return None
    return LiveKey(row.id, row.tenant_id, known_scopes(row.scopes.split()), row.expires_at)


async def tenant_for_key(session: AsyncSession, key: str) -> str | None:
    """The tenant a live key belongs to."""
    found = await live_key(session, key)
    return found.tenant_id if found else None


async def mark_key_used(session: AsyncSession, key_id: str, now: datetime | None = None) -> None:
    """Set `last_used_at`, at most once per `LAST_USED_RESOLUTION`."""
    now = now or datetime.now(UTC)
    await session.execute(
        update(api_keys).where(api_keys.c.id == key_id,
                               or_(api_keys.c.last_used_at.is_(None),
                                   api_keys.c.last_used_at < now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)
    )


async def record_event(session: AsyncSession, event: str, *, tenant_id: str | None = None, key_id: str | None = None,
                       actor: str | None = None, client_address: str | None = None, reason: str | None = None) -> None:
    """One row of the audit trail, and the same as a structured log event for whoever collects the logs."""
    fields = {"event": event, "tenant_id": tenant_id, "key_id": key_id, "actor": actor,
              "client_address": client_address, "reason": reason[:200] if reason else None}
    audit_log.info("auth %s", event, extra={f"audit_{name}": value for name, value in fields.items()})
    await session.execute(insert(auth_events).values(**fields))


async def audit_events(session: AsyncSession, limit: int = 100) -> list[dict]:
    """The newest audit events first."""
    query = select(auth_events).order_by(auth_events.c.id.desc()).limit(limit)
    return [dict(row._mapping) for row in await session.execute(query)]


async def record_submission(session: AsyncSession, job_id: str, tenant_id: str, filename: str) -> None:
    """Remember an accepted job so it can be answered before the projection has seen it, and the trace it began
    so a traced poll can link to it."""
    await session.execute(insert(submissions).values(job_id=job_id, tenant_id=tenant_id, filename=filename,
                                                     trace_context=current_trace_headers() or None))


async def forget_submission(session: AsyncSession, job_id: str, tenant_id: str) -> None:
    """A purged job leaves nothing here either."""
    await session.execute(delete(submissions).where(submissions.c.job_id == job_id,
                                                    submissions.c.tenant_id == tenant_id))


async def forget_submissions_before(session: AsyncSession, before: datetime, batch: int) -> int:
    """Drop a batch of submissions accepted before `before`: the jobs service has long answered for them."""
    old = select(submissions.c.job_id).where(submissions.c.created_at < before).limit(batch)
    job_ids = list((await session.execute(old)).scalars())
    if job_ids:
        await session.execute(delete(submissions).where(submissions.c.job_id.in_(job_ids)))
    return len(job_ids)


async def submission(session: AsyncSession, job_id: str, tenant_id: str) -> dict | None:
    """An accepted job of this tenant."""
    row = (await session.execute(
        select(submissions).where(submissions.c.job_id == job_id, submissions.c.tenant_id == tenant_id)
    )).first()
    return dict(row._mapping) if row else None
