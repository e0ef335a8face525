"""What HTTP endpoints get of their service's database: read sessions, and a unit of work the infrastructure commits."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.unit_of_work import Transaction, UnitOfWork


@dataclass(frozen=True)
class Database:
    """Endpoints read through `sessions` and write through the `UnitOfWork` dependency, never committing."""

    sessions: async_sessionmaker[AsyncSession]
    transaction: Transaction

    def unit_of_work(self) -> Any:
        """A per-request unit of work, committed when the endpoint returns and before the response is sent;
        rolled back when it raises (so a 4xx raised midway writes nothing)."""

        async def unit_of_work() -> AsyncIterator[UnitOfWork]:
            async with self.transaction() as uow:
                yield uow

        return Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]
