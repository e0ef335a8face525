"""The jobs service's read model: each committed job view in Redis, where the gateway reads it without a hop.

The jobs database stays the source of truth: a view is marked pending inside the folding transaction and put only
after it commits; the gateway reads the database (through the internal API) whenever Redis has no servable view."""

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import redis.asyncio as redis
from redis.exceptions import RedisError

from tenderflow_common.job_views import (
    MARK_PENDING,
    PUT_IF_NEWER,
    VIEW_TTL_SECONDS,
    change_notice,
    changes_channel,
    view_key,
)
from tenderflow_jobs import projection
from tenderflow_jobs.projection import JobState

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0


class JobViews:
    """Marks views pending before a commit and puts them after it, in the background, newest per job first."""

    def __init__(self, client: redis.Redis, namespace: str = "") -> None:
        self._client = client
        self._namespace = namespace
        self._mark = client.register_script(MARK_PENDING)
        self._put = client.register_script(PUT_IF_NEWER)
        self._unwritten: dict[str, JobState] = {}
        self._wake = asyncio.Event()

    async def mark_pending(self, states: Iterable[JobState]) -> None:
        """Inside the transaction: until the put, the gateway falls back to the database for these jobs.

        Without Redis the change still commits; the view left there may then be older than the database until the
        job's next change or its TTL, which is why Redis outages are logged."""
        states = list(states)
        if not states:
            return
        try:
            # One script call for the whole poll: a call per job cost more CPU than folding the job's messages.
            await self._mark(keys=[self._key(state) for state in states],
                             args=[*(state.version for state in states), VIEW_TTL_SECONDS])
        except RedisError:
            log.warning("job views: Redis unavailable; views of this change are not marked pending", exc_info=True)

    def publish(self, states: Iterable[JobState]) -> None:
        """After the commit: queue each job's newest state for the writer (a sync after-commit callback)."""
        for state in states:
            queued = self._unwritten.get(state.job_id)
            if queued is None or queued.version < state.version:
                self._unwritten[state.job_id] = state
        self._wake.set()

    async def run(self) -> None:
        """Write queued views until cancelled; a failed write is kept and retried, never dropped."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._unwritten = self._unwritten, {}
            try:
                await self._write(batch.values())
            except RedisError:
                log.warning("job views: Redis unavailable; retrying %d views", len(batch), exc_info=True)
                self.publish(batch.values())
                await asyncio.sleep(RETRY_SECONDS)
            except Exception:
                # Their pending marks stay, so the gateway asks the jobs service for these jobs instead.
                log.exception("job views: %d views could not be written", len(batch))

    async def _write(self, states: Iterable[JobState]) -> None:
        states = list(states)
        if not states:
            return
        now = datetime.now(UTC)
        args: list = []
        for state in states:
            args += (state.version, projection.view(state, now).model_dump_json())
        await self._put(keys=[self._key(state) for state in states], args=[*args, VIEW_TTL_SECONDS])
        # After the put, so a subscriber that reads on the notice finds the view. At most once: a notice lost here
        # or in Redis costs a following gateway stream only its periodic re-read's delay.
        await self._client.publish(changes_channel(self._namespace),
                                   change_notice((state.tenant_id, state.job_id, state.version) for state in states))

    async def aclose(self) -> None:
        await self._client.aclose()

    def _key(self, state: JobState) -> str:
        return view_key(self._namespace, state.tenant_id, state.job_id)
