"""Loading and saving job states; the only module that knows the jobs table."""

from collections.abc import Iterable
from dataclasses import fields

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_jobs.models import jobs
from tenderflow_jobs.projection import JobState

STATE_FIELDS = tuple(f.name for f in fields(JobState))
STATE_COLUMNS = tuple(jobs.c[name] for name in STATE_FIELDS)
"""Selected in this order, a row is a state's positional arguments."""


def _values(state: JobState) -> dict:
    """A state's columns; unlike `asdict` it does not deep-copy the file and error lists only to write them."""
    return {name: getattr(state, name) for name in STATE_FIELDS}


def _to_state(row) -> JobState:
    return JobState(**{name: row._mapping[name] for name in STATE_FIELDS})


async def get_many(session: AsyncSession, job_ids: Iterable[str], *, for_update: bool = False) -> dict[str, JobState]:
    """Several jobs by id; locked in id order, so two transactions locking overlapping jobs cannot deadlock."""
    query = select(*STATE_COLUMNS).where(jobs.c.job_id.in_(sorted(job_ids))).order_by(jobs.c.job_id)
    if for_update:
        query = query.with_for_update()
    return {row.job_id: JobState(*row) for row in (await session.execute(query)).all()}


async def save_many(session: AsyncSession, states: list[JobState], *, new: bool) -> None:
    """Insert or overwrite several jobs' states in one statement each way."""
    if not states:
        return
    if new:
        await session.execute(insert(jobs), [_values(state) for state in states])
        return
    # The key is bound under another name: a parameter named like a column would set that column instead.
    statement = update(jobs).where(jobs.c.job_id == bindparam("stored_job_id"))
    await session.execute(statement, [{"stored_job_id": state.job_id, **_values(state)} for state in states])


async def save(session: AsyncSession, state: JobState, *, new: bool) -> None:
    """Insert or overwrite a job's state."""
    values = _values(state)
    if new:
        await session.execute(insert(jobs).values(**values))
    else:
        await session.execute(update(jobs).where(jobs.c.job_id == state.job_id).values(**values))


async def for_tenant(session: AsyncSession, tenant_id: str, job_id: str) -> JobState | None:
    """A job only if it belongs to the tenant."""
    row = (await session.execute(
        select(jobs).where(jobs.c.job_id == job_id, jobs.c.tenant_id == tenant_id)
    )).first()
    return _to_state(row) if row else None


async def list_for_tenant(session: AsyncSession, tenant_id: str, *, status: str | None, limit: int,
                          offset: int) -> list[JobState]:
    """A tenant's jobs, newest first."""
    query = select(jobs).where(jobs.c.tenant_id == tenant_id)
    if status:
        query = query.where(jobs.c.status == status)
    query = query.order_by(jobs.c.created_at.desc(), jobs.c.job_id).limit(limit).offset(offset)
    return [_to_state(row) for row in (await session.execute(query)).all()]
