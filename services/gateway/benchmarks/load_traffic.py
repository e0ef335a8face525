"""The traffic of the load run: uploads sent at their scheduled times, and each accepted job polled by the clock
until it ends; every request is timed from when it was due, not from when it could be sent."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
from load_plan import RouteStats, arrivals

UPLOAD = "POST /v1/documents"
STATUS = "GET /v1/jobs/{id}"
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})


@dataclass
class Job:
    """An accepted upload; `finished` is when a poll first saw it end (loop time), `ending` how it ended (its
    status, and the failure's code when it failed)."""

    id: str
    step: int
    due: float
    finished: float | None = None
    ending: str = ""


@dataclass
class Phase:
    """A step of the run (or the drain after it): what its requests got, and the latest a send left."""

    name: str
    routes: dict[str, RouteStats] = field(default_factory=lambda: defaultdict(RouteStats))
    latest_send: float = 0.0


class Traffic:
    """Sends the uploads of each step and polls the jobs they start, all against one gateway."""

    def __init__(self, client: httpx.AsyncClient, keys: list[str], package: bytes, poll_seconds: float) -> None:
        self.client = client
        self.keys = keys
        self.package = package
        self.poll_seconds = poll_seconds
        self.jobs: list[Job] = []
        self.phase = Phase("start")
        self._tasks: set[asyncio.Task] = set()
        self._uploads: set[asyncio.Task] = set()
        self._open_jobs = 0
        self._none_open = asyncio.Event()

    async def step(self, index: int, rate: float, seconds: float) -> None:
        """Send one step's uploads on schedule; returns when the step's time is up."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        for arrival in arrivals(rate, seconds, len(self.keys)):
            due = started + arrival.at
            await asyncio.sleep(max(0.0, due - loop.time()))
            self.phase.latest_send = max(self.phase.latest_send, loop.time() - due)
            self._spawn(self._upload(index, self.keys[arrival.tenant], due), self._uploads)
        await asyncio.sleep(max(0.0, started + seconds - loop.time()))

    async def drain(self, timeout_seconds: float) -> None:
        """Let the uploads still in flight land, then keep polling until every job ended or the time is up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_seconds
        if self._uploads:
            await asyncio.wait(set(self._uploads), timeout=timeout_seconds)
        if self._open_jobs:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._none_open.wait(), max(0.0, deadline - loop.time()))

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine, *also: set[asyncio.Task]) -> None:
        task = asyncio.create_task(coroutine)
        for tracked in (self._tasks, *also):
            tracked.add(task)
            task.add_done_callback(tracked.discard)

    async def _upload(self, step: int, key: str, due: float) -> None:
        files = {"file": (f"tender-{uuid.uuid4().hex[:8]}.zip", self.package, "application/zip")}
        response = await self._request(UPLOAD, due, "POST", "/v1/documents", key, files=files)
        if response is not None and response.status_code == 202:
            job = Job(response.json()["job_id"], step, due)
            self.jobs.append(job)
            self._open_jobs += 1
            self._none_open.clear()
            self._spawn(self._follow(job, key))

    async def _follow(self, job: Job, key: str) -> None:
        """A poll every `poll_seconds` by the clock, each sent whether or not the one before has answered."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.poll_seconds
        while job.finished is None:
            await asyncio.sleep(max(0.0, due - loop.time()))
            if job.finished is None:
                self._spawn(self._poll(job, key, due))
            due += self.poll_seconds

    async def _poll(self, job: Job, key: str, due: float) -> None:
        response = await self._request(STATUS, due, "GET", f"/v1/jobs/{job.id}", key)
        if response is None or response.status_code != 200 or job.finished is not None:
            return
        view = response.json()
        if view["status"] in TERMINAL:
            failure = (view.get("failure") or {}).get("code")
            job.finished = asyncio.get_running_loop().time()
            job.ending = f"{view['status']} ({failure})" if failure else view["status"]
            self._open_jobs -= 1
            if not self._open_jobs:
                self._none_open.set()

    async def _request(self, route: str, due: float, method: str, url: str, key: str,
                       **options) -> httpx.Response | None:
        """The response, or None when there was none; either way counted under the phase it was due in."""
        phase, loop = self.phase, asyncio.get_running_loop()
        try:
            response = await self.client.request(method, url, headers={"X-API-Key": key}, **options)
        except httpx.TimeoutException:
            phase.routes[route].add(loop.time() - due, "timeout")
            return None
        except httpx.TransportError as error:
            phase.routes[route].add(loop.time() - due, type(error).__name__)
            return None
        phase.routes[route].add(loop.time() - due, response.status_code)
        return response
