"""Stalled jobs: a job no stage has moved for too long ends failed, through an event, so a replay agrees."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tenderflow_common import advisory_locks
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES, JobStalled
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.unit_of_work import Transaction
from tenderflow_jobs.models import jobs

log = logging.getLogger(__name__)
SOURCE = "tenderflow/jobs"
# A sweep's batch: jobs stalled beyond it wait for the next sweep, once the first ones are folded into failed.
BATCH = 1000
# One replica sweeps at a time; the others find the lock taken and wait for their next turn.
LOCK_KEY = "tenderflow-jobs:stall-sweep"


@dataclass(frozen=True)
class StallSweep:
    """Emits `JobStalled` for each open job whose last message is older than `stall_seconds`."""

    transaction: Transaction
    stall_seconds: int

    async def sweep(self, now: datetime | None = None) -> int:
        """One batch of stalled jobs; returns how many were found. Safe to repeat and to run on every replica:
        a job's stall has a stable id (its job and the time of its last message), so a repeat emits nothing new."""
        cutoff = (now or datetime.now(UTC)) - timedelta(seconds=self.stall_seconds)
        async with self.transaction() as uow:
            if not await advisory_locks.try_lock(uow.session, LOCK_KEY):
                return 0
            rows = (await uow.session.execute(
                select(jobs.c.job_id, jobs.c.tenant_id, jobs.c.stage, jobs.c.updated_at)
                .where(jobs.c.status.not_in(TERMINAL_STATUSES), jobs.c.updated_at < cutoff)
                .order_by(jobs.c.updated_at).limit(BATCH))).all()
            for row in rows:
                envelope = Envelope.wrap(
                    JobStalled(stage=row.stage, idle_since=row.updated_at, stall_seconds=self.stall_seconds),
                    source=SOURCE, tenant_id=row.tenant_id, job_id=row.job_id,
                    message_id=stable_id(row.job_id, "stalled", row.updated_at.isoformat()))
                await uow.emit(envelope)
                log.warning("job stalled", extra={"job_id": row.job_id, "stage": row.stage,
                                                  "idle_since": row.updated_at.isoformat(),
                                                  "correlation_id": envelope.correlationid})
        return len(rows)
