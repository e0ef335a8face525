"""Retention: a finished job older than its tenant's retention is purged everywhere, through an event, so a
replay agrees; a purged job's last row goes once no message about it can come again."""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, false, or_, select

from tenderflow_common import advisory_locks
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES, JobPurged
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.unit_of_work import Transaction
from tenderflow_jobs.models import jobs
from tenderflow_jobs.settings import JobsSettings

log = logging.getLogger(__name__)
SOURCE = "tenderflow/jobs"
BATCH = 500
# Ended jobs not yet purged; sorted, so the query reads the same every time.
FINISHED = tuple(sorted(TERMINAL_STATUSES - {"purged"}))
# One replica sweeps at a time; the others find the lock taken and wait for their next turn.
LOCK_KEY = "tenderflow-jobs:retention-sweep"


@dataclass(frozen=True)
class RetentionSweep:
    """Emits `JobPurged` for each finished job past its tenant's retention (days; 0 keeps jobs for ever)."""

    transaction: Transaction
    retention_days: int
    tenant_retention_days: dict[str, int] = field(default_factory=dict)
    forget_purged_after: timedelta = timedelta(days=14)

    async def sweep(self, now: datetime | None = None) -> int:
        """One batch of expired jobs; returns how many were found. Safe to repeat and on every replica: a job's
        purge has a stable id, so a repeat emits nothing new."""
        now = now or datetime.now(UTC)
        async with self.transaction() as uow:
            if not await advisory_locks.try_lock(uow.session, LOCK_KEY):
                return 0
            rows = (await uow.session.execute(
                select(jobs.c.job_id, jobs.c.tenant_id).where(jobs.c.status.in_(FINISHED), self.expired(now))
                .order_by(jobs.c.created_at).limit(BATCH))).all()
            for row in rows:
                await uow.emit(Envelope.wrap(JobPurged(reason="expired"), source=SOURCE, tenant_id=row.tenant_id,
                                             job_id=row.job_id, message_id=stable_id(row.job_id, "purged")))
            if rows:
                log.info("expired jobs purged", extra={"jobs": len(rows)})
            await uow.session.execute(delete(jobs).where(
                jobs.c.status == "purged", jobs.c.updated_at < now - self.forget_purged_after))
        return len(rows)

    def expired(self, now: datetime) -> ColumnElement[bool]:
        """Created before the retention of their tenant: its own if it has one, else the default."""
        conditions = [(jobs.c.tenant_id == tenant) & (jobs.c.created_at < now - timedelta(days=days))
                      for tenant, days in self.tenant_retention_days.items() if days > 0]
        if self.retention_days > 0:
            conditions.append(jobs.c.tenant_id.not_in(list(self.tenant_retention_days))
                              & (jobs.c.created_at < now - timedelta(days=self.retention_days)))
        return or_(false(), *conditions)

    @classmethod
    def configured(cls, transaction: Transaction, settings: JobsSettings) -> "RetentionSweep":
        """The sweep the settings describe; a purged job's row outlives its messages' redelivery."""
        return cls(transaction, settings.retention_days, settings.tenant_retention_days,
                   timedelta(hours=settings.messaging.processed_retention_hours))
