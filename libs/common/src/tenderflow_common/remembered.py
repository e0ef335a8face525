"""Ids a service remembers so it keeps refusing what arrives about them later (a job cancelled or purged before its
package or run came): one table shape, recorded once, asked about by its whole key."""

from collections.abc import Sequence

from sqlalchemy import Column, ColumnElement, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.db import UtcDateTime
from tenderflow_common.unit_of_work import insert_unless_present


def remembered_table(metadata: MetaData, name: str, keys: Sequence[str], stamp: str) -> Table:
    """Ids (together the primary key) stamped when first remembered; the stamp is indexed, so housekeeping finds
    the old rows to forget with the processed messages."""
    return Table(
        name,
        metadata,
        *(Column(key, String(200), primary_key=True) for key in keys),
        Column(stamp, UtcDateTime(), nullable=False, server_default=func.now(), index=True),
    )


async def remember(session: AsyncSession, table: Table, **key: str) -> None:
    """Remember the id once: a repeat, or a twin committed meanwhile, keeps the first row and its time."""
    _check_whole_key(table, key)
    await session.execute(insert_unless_present(table, session.get_bind().dialect.name).values(**key))


async def is_remembered(session: AsyncSession, table: Table, **key: str) -> bool:
    """Whether the id was remembered and not yet forgotten."""
    _check_whole_key(table, key)
    matches: list[ColumnElement[bool]] = [table.c[name] == value for name, value in key.items()]
    return await session.scalar(select(func.count()).select_from(table).where(*matches)) > 0


def _check_whole_key(table: Table, key: dict[str, str]) -> None:
    """A part of the key would match other tenants' or jobs' rows: refuse it."""
    expected = {column.name for column in table.primary_key.columns}
    if set(key) != expected:
        raise ValueError(f"{table.name} is keyed by {sorted(expected)}, not {sorted(key)}")
