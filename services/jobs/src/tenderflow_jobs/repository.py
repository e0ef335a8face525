"""Loading and saving job states; the only module that knows the jobs table."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import fields

from sqlalchemy import JSON, Text, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_jobs.models import jobs
from tenderflow_jobs.projection import JobState

STATE_FIELDS = tuple(f.name for f in fields(JobState))
STATE_COLUMNS = tuple(jobs.c[name] for name in STATE_FIELDS)
"""Selected in this order, a row is a state's positional arguments."""
SHOWN_COLUMNS = tuple(column for column in STATE_COLUMNS if column.name != "seen")
"""What a read that only shows a job selects: the ids of its messages serve folding alone, and a long job's are
most of its row. A state read this way has none, so it is never saved."""


def _values(state: JobState) -> dict:
    """A state's columns; unlike `asdict` it does not deep-copy the file and error lists only to write them."""
    return {name: getattr(state, name) for name in STATE_FIELDS}


_JSON_FIELDS = frozenset(name for name in STATE_FIELDS
                         if isinstance(getattr(jobs.c[name].type, "impl", jobs.c[name].type), JSON))
_LIST_FIELDS = ("files", "errors")
"""Written back only when they changed: most messages change neither."""
_ID_ARRAY = postgresql.ARRAY(jobs.c.job_id.type)


def _update_from_arrays(names: tuple[str, ...]):
    """UPDATE jobs FROM unnest(one array per column): PostgreSQL plans and runs one statement for a whole poll,
    where an executemany binds and runs a statement per job. JSON travels as text and is cast in the statement."""
    def array(name: str) -> str:
        if name in _JSON_FIELDS:
            return f"CAST(CAST(:{name} AS TEXT[]) AS JSON[])"
        return f"CAST(:{name} AS {jobs.c[name].type.compile(dialect=postgresql.dialect())}[])"

    assignments = ", ".join(f"{name} = given.{name}" for name in names if name != "job_id")
    sql = (f"UPDATE {jobs.name} SET {assignments} FROM unnest({', '.join(map(array, names))}) "
           f"AS given({', '.join(names)}) WHERE {jobs.name}.job_id = given.job_id")
    return text(sql).bindparams(*(
        bindparam(name, type_=postgresql.ARRAY(Text if name in _JSON_FIELDS else jobs.c[name].type))
        for name in names))


_UPDATE_FROM_ARRAYS = _update_from_arrays(STATE_FIELDS)
_UNLISTED_FIELDS = tuple(name for name in STATE_FIELDS if name not in _LIST_FIELDS)
_UPDATE_UNLISTED_FROM_ARRAYS = _update_from_arrays(_UNLISTED_FIELDS)


_SEEN_BIND = jobs.c.seen.type.process_bind_param


def _json(value) -> str:
    """A JSON column's text; a set of ids as `MessageIds` stores it."""
    return json.dumps(_SEEN_BIND(value, None) if isinstance(value, frozenset) else value)


def _arrays(states: list[JobState], names: tuple[str, ...] = STATE_FIELDS) -> dict[str, list]:
    """Each column's values across the states, in the same order."""
    return {name: [_json(getattr(state, name)) for state in states] if name in _JSON_FIELDS
            else [getattr(state, name) for state in states] for name in names}


def shown(row) -> JobState:
    """The state a row of `SHOWN_COLUMNS` holds."""
    return JobState(**row._mapping)


async def get_many(session: AsyncSession, job_ids: Iterable[str], *, for_update: bool = False) -> dict[str, JobState]:
    """Several jobs by id; locked in id order, so two transactions locking overlapping jobs cannot deadlock."""
    ids = sorted(job_ids)
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter: an IN list renders a bound name per id, which cost more than the read itself.
        query = select(*STATE_COLUMNS).where(jobs.c.job_id == any_(bindparam("ids", ids, type_=_ID_ARRAY)))
    else:
        query = select(*STATE_COLUMNS).where(jobs.c.job_id.in_(ids))
    query = query.order_by(jobs.c.job_id)
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
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_UPDATE_FROM_ARRAYS, _arrays(states))
        return
    # The key is bound under another name: a parameter named like a column would set that column instead.
    statement = update(jobs).where(jobs.c.job_id == bindparam("stored_job_id"))
    await session.execute(statement, [{"stored_job_id": state.job_id, **_values(state)} for state in states])


async def update_many(session: AsyncSession, states: list[JobState], stored: Mapping[str, JobState]) -> None:
    """Overwrite jobs read in this transaction; the file and error lists only of those whose lists changed: most
    messages change neither, and encoding and casting them cost more than the rest of the row."""
    if session.get_bind().dialect.name != "postgresql":
        await save_many(session, states, new=False)
        return
    unchanged: list[JobState] = []
    changed: list[JobState] = []
    for state in states:
        before = stored[state.job_id]
        alike = all(getattr(state, name) == getattr(before, name) for name in _LIST_FIELDS)
        (unchanged if alike else changed).append(state)
    if unchanged:
        await session.execute(_UPDATE_UNLISTED_FROM_ARRAYS, _arrays(unchanged, _UNLISTED_FIELDS))
    if changed:
        await session.execute(_UPDATE_FROM_ARRAYS, _arrays(changed))


async def save(session: AsyncSession, state: JobState, *, new: bool) -> None:
    """Insert or overwrite a job's state."""
    values = _values(state)
    if new:
        await session.execute(insert(jobs).values(**values))
    else:
        await session.execute(update(jobs).where(jobs.c.job_id == state.job_id).values(**values))


async def for_tenant(session: AsyncSession, tenant_id: str, job_id: str) -> JobState | None:
    """A job only if it belongs to the tenant, to show (without the ids of its messages)."""
    row = (await session.execute(
        select(*SHOWN_COLUMNS).where(jobs.c.job_id == job_id, jobs.c.tenant_id == tenant_id)
    )).first()
    return shown(row) if row else None


async def list_for_tenant(session: AsyncSession, tenant_id: str, *, status: str | None, limit: int,
                          offset: int) -> list[JobState]:
    """A tenant's jobs, newest first, whole: the fault ledger and the replay tests compare them with a rebuild."""
    query = select(*STATE_COLUMNS).where(jobs.c.tenant_id == tenant_id)
    if status:
        query = query.where(jobs.c.status == status)
    query = query.order_by(jobs.c.created_at.desc(), jobs.c.job_id).limit(limit).offset(offset)
    return [JobState(*row) for row in (await session.execute(query)).all()]
