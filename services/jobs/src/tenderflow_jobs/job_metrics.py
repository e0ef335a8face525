"""Job outcomes, how long jobs and their stages took, and how many are still open and how long one has been idle."""

from datetime import UTC, datetime

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common import failures
from tenderflow_common.contracts.jobs import TERMINAL_STATUSES
from tenderflow_common.metrics import Sampler
from tenderflow_jobs.models import jobs
from tenderflow_jobs.projection import JobState

_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)

jobs_finished = Counter("tenderflow_jobs_finished_total", "Jobs that reached an end, by status", ["status"])
job_seconds = Histogram("tenderflow_job_seconds", "From a job's first message to its end, by status", ["status"],
                        buckets=_BUCKETS)
stage_seconds = Histogram("tenderflow_job_stage_seconds", "How long each stage of a job that reached it took",
                          ["stage"], buckets=_BUCKETS)
jobs_open = Gauge("tenderflow_jobs_open", "Jobs not yet succeeded, failed or cancelled")
jobs_stalled = Counter("tenderflow_jobs_stalled_total", "Jobs ended failed because no stage moved them for too long, "
                       "by the stage they stopped in", ["stage"])
oldest_idle = Gauge("tenderflow_jobs_oldest_idle_seconds",
                    "Longest time an open job has gone without a message (0 when none is open)")


def observe_end(state: JobState) -> None:
    """Count a job that just ended, with the stages whose start and end the projection saw."""
    jobs_finished.labels(state.status).inc()
    if state.errors and isinstance(state.errors[-1], dict) and state.errors[-1].get("code") == failures.STALLED:
        jobs_stalled.labels(state.stage).inc()
    if state.finished_at is not None:
        job_seconds.labels(state.status).observe(_seconds(state.created_at, state.finished_at))
    stages = (("ingesting", state.created_at, state.ingested_at), ("indexing", state.ingested_at, state.indexed_at),
              ("answering", state.indexed_at, state.answered_at))
    for stage, started, ended in stages:
        if started is not None and ended is not None:
            stage_seconds.labels(stage).observe(_seconds(started, ended))


def open_jobs_sampler(sessions: async_sessionmaker[AsyncSession]) -> Sampler:
    """Open jobs and the longest silence among them: a job nobody moves on for long has stalled."""

    async def sample() -> None:
        async with sessions() as session:
            count, least_recent = (await session.execute(
                select(func.count(), func.min(jobs.c.updated_at)).where(jobs.c.status.not_in(TERMINAL_STATUSES))
            )).one()
        jobs_open.set(count)
        oldest_idle.set(_seconds(least_recent, datetime.now(UTC)) if least_recent is not None else 0.0)

    return sample


def _seconds(started: datetime, ended: datetime) -> float:
    return max(0.0, (ended - started).total_seconds())
