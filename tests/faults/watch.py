"""Samples every job's row in the jobs database a few times a second, so a test can strike at a stage, time the
recovery, and prove that no job's state ever moved backwards."""

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

STAGES = ("queued", "ingesting", "indexing", "answering", "done")
TERMINAL = ("succeeded", "failed", "cancelled")
SAMPLE_SECONDS = 0.2
# What asyncpg raises while PostgreSQL is stopped, shutting down or starting up, or on a connection it broke off
# mid-query (InternalClientError: "another operation is in progress").
SERVER_AWAY = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError)


@dataclass(frozen=True)
class Sample:
    at: float
    status: str
    stage: str
    documents_extracted: int
    chunks: int
    questions_answered: int

    @property
    def progress(self) -> tuple:
        """What grows as a job advances; a sample that differs from the one before is progress."""
        return (self.status, self.stage, self.documents_extracted, self.chunks, self.questions_answered)

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


def moved_backwards(before: Sample, after: Sample) -> bool:
    if before.terminal:
        return after.progress != before.progress
    return (STAGES.index(after.stage) < STAGES.index(before.stage)
            or after.documents_extracted < before.documents_extracted or after.chunks < before.chunks
            or after.questions_answered < before.questions_answered)


class JobWatch:
    def __init__(self, database_url: str) -> None:
        self._dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
        self.samples: dict[str, list[Sample]] = {}
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._sample_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sample_forever(self) -> None:
        """Sample until stopped; while PostgreSQL is away (a restart the suite caused), connect again and go on."""
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except SERVER_AWAY:
                await asyncio.sleep(SAMPLE_SECONDS)
                continue
            try:
                while True:
                    self._sample(await connection.fetch("SELECT job_id, status, stage, documents_extracted, chunks, "
                                                        "questions_answered FROM jobs"))
                    await asyncio.sleep(SAMPLE_SECONDS)
            except SERVER_AWAY:
                await asyncio.sleep(SAMPLE_SECONDS)
            finally:
                connection.terminate()

    def _sample(self, rows: list[asyncpg.Record]) -> None:
        now = time.monotonic()
        for row in rows:
            sample = Sample(now, row["status"], row["stage"], row["documents_extracted"], row["chunks"],
                            row["questions_answered"])
            history = self.samples.setdefault(row["job_id"], [])
            if not history or history[-1].progress != sample.progress:
                history.append(sample)

    def latest(self, job_id: str) -> Sample | None:
        history = self.samples.get(job_id)
        return history[-1] if history else None

    async def wait_for(self, job_id: str, reached: Callable[[Sample], bool], timeout_seconds: float) -> Sample:
        """The first sample that `reached` accepts (or the terminal one, which ends the wait)."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            sample = self.latest(job_id)
            if sample is not None and (reached(sample) or sample.terminal):
                return sample
            await asyncio.sleep(SAMPLE_SECONDS / 2)
        raise AssertionError(f"job {job_id} did not get there in {timeout_seconds} s: {self.latest(job_id)}")

    async def progress_after(self, job_id: str, moment: float, timeout_seconds: float) -> float:
        """Seconds from `moment` until the job's row next changed (its recovery time after a fault)."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            latest = self.latest(job_id)
            if latest is not None and latest.terminal and latest.at <= moment:
                return 0.0  # it ended before the moment: nothing was left to recover
            changed = [s for s in self.samples.get(job_id, []) if s.at > moment]
            if changed:
                return changed[0].at - moment
            await asyncio.sleep(SAMPLE_SECONDS / 2)
        raise AssertionError(f"job {job_id} made no progress in {timeout_seconds} s after the fault")

    def backwards_moves(self, job_id: str) -> list[tuple[Sample, Sample]]:
        history = self.samples.get(job_id, [])
        return [(a, b) for a, b in zip(history, history[1:], strict=False) if moved_backwards(a, b)]
