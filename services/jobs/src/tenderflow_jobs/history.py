"""A tenant's job history: filtered, counted, and paged by an opaque cursor that stays stable as jobs arrive."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_jobs.models import jobs
from tenderflow_jobs.projection import JobState
from tenderflow_jobs.repository import SHOWN_COLUMNS, shown


class InvalidCursor(ValueError):
    """The cursor was not one this service handed out."""


@dataclass(frozen=True)
class JobFilters:
    """What a history query keeps; unset filters keep everything."""

    status: str | None = None
    kind: str | None = None
    workspace: str | None = None
    """A workspace's id or its name."""
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True)
class Position:
    """The last job of a page, in the history's order (newest first, then by id)."""

    created_at: datetime
    job_id: str


@dataclass(frozen=True)
class HistoryPage:
    jobs: list[JobState]
    total: int
    next_position: Position | None


def encode_cursor(position: Position) -> str:
    raw = json.dumps([position.created_at.isoformat(), position.job_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        created_at, job_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return Position(datetime.fromisoformat(created_at), str(job_id))
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursor("the cursor is not one a previous page returned") from error


def _conditions(tenant_id: str, filters: JobFilters) -> list[ColumnElement[bool]]:
    conditions = [jobs.c.tenant_id == tenant_id, jobs.c.status != "purged"]  # a purged job is no history
    if filters.status:
        conditions.append(jobs.c.status == filters.status)
    if filters.kind:
        conditions.append(jobs.c.kind == filters.kind)
    if filters.workspace:
        conditions.append(or_(jobs.c.workspace_id == filters.workspace, jobs.c.workspace == filters.workspace))
    if filters.created_after:
        conditions.append(jobs.c.created_at > filters.created_after)
    if filters.created_before:
        conditions.append(jobs.c.created_at < filters.created_before)
    return conditions


async def page(session: AsyncSession, tenant_id: str, filters: JobFilters, *, limit: int,
               after: Position | None) -> HistoryPage:
    """One page of the tenant's matching jobs after `after`, and how many match on all pages."""
    conditions = _conditions(tenant_id, filters)
    total = await session.scalar(select(func.count()).select_from(jobs).where(*conditions)) or 0
    query = select(*SHOWN_COLUMNS).where(*conditions)
    if after is not None:
        query = query.where(or_(jobs.c.created_at < after.created_at,
                                and_(jobs.c.created_at == after.created_at, jobs.c.job_id > after.job_id)))
    rows = (await session.execute(query.order_by(jobs.c.created_at.desc(), jobs.c.job_id).limit(limit + 1))).all()
    states = [shown(row) for row in rows[:limit]]
    more = len(rows) > limit
    return HistoryPage(states, total, Position(states[-1].created_at, states[-1].job_id) if more else None)
