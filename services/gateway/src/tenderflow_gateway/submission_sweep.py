"""Forgets accepted submissions once the jobs service answers for them, so no job outlives its retention here."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.sweeps import periodic_sweep
from tenderflow_gateway import repository

BATCH = 1000
SWEEP_SECONDS = 600.0


class SubmissionSweep:
    """Deletes submissions older than `keep_hours`, a short transaction per batch; replicas may run it together."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], keep_hours: float) -> None:
        self._sessions = sessions
        self._keep = timedelta(hours=keep_hours)
        self._loop = periodic_sweep("submission sweep", self.forget_some, SWEEP_SECONDS, batch=BATCH)

    async def forget_some(self, now: datetime | None = None) -> int:
        """One batch; how many were forgotten, so a full batch goes on at once."""
        async with self._sessions() as session, session.begin():
            return await repository.forget_submissions_before(session, (now or datetime.now(UTC)) - self._keep, BATCH)

    async def run(self) -> None:
        await self._loop.run()
