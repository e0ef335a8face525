"""Tenants, keys and submissions in the gateway's database."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_gateway.domain import hash_api_key, new_api_key
from tenderflow_gateway.models import api_keys, submissions, tenants


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


async def create_key(session: AsyncSession, tenant_id: str) -> tuple[str, str]:
    """Store a new key's hash; returns (key id, the key itself)."""
    key, prefix = new_api_key()
    key_id = uuid.uuid4().hex
    await session.execute(insert(api_keys).values(id=key_id, tenant_id=tenant_id, prefix=prefix,
                                                  key_hash=hash_api_key(key)))
    return key_id, key


async def list_keys(session: AsyncSession, tenant_id: str | None = None) -> list[dict]:
    """Keys without their secrets."""
    query = select(api_keys.c.id, api_keys.c.prefix, api_keys.c.created_at, api_keys.c.revoked_at,
                   tenants.c.name.label("tenant")).join(tenants)
    if tenant_id:
        query = query.where(api_keys.c.tenant_id == tenant_id)
    return [dict(row._mapping) for row in await session.execute(query.order_by(api_keys.c.created_at))]


async def revoke_key(session: AsyncSession, key_id: str) -> bool:
    """Mark a key revoked; False when no live key has that id."""
    result = await session.execute(
        update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount > 0


async def tenant_for_key(session: AsyncSession, key: str) -> str | None:
    """The tenant a live key belongs to."""
    return await session.scalar(
        select(api_keys.c.tenant_id).where(api_keys.c.key_hash == hash_api_key(key), api_keys.c.revoked_at.is_(None))
    )


async def record_submission(session: AsyncSession, job_id: str, tenant_id: str, filename: str) -> None:
    """Remember an accepted job so it can be answered before the projection has seen it."""
    await session.execute(insert(submissions).values(job_id=job_id, tenant_id=tenant_id, filename=filename))


async def submission(session: AsyncSession, job_id: str, tenant_id: str) -> dict | None:
    """An accepted job of this tenant."""
    row = (await session.execute(
        select(submissions).where(submissions.c.job_id == job_id, submissions.c.tenant_id == tenant_id)
    )).first()
    return dict(row._mapping) if row else None
