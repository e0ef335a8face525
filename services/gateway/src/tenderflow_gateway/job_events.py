"""`GET /v1/jobs/{id}/events`: a job's progress as server-sent events, one per change of status, stage or progress,
resumable with `Last-Event-ID`, ending with the terminal event.

Each event's `id` is the version of the job's view, so a reconnecting client resumes where it was. A stream wakes
when the jobs service announces a new view (see `job_changes`), and re-reads the view every few seconds anyway:
pub/sub is at most once, and without Redis the re-read is all there is."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import redis.asyncio as redis
from fastapi import APIRouter, Depends, Request
from redis.exceptions import RedisError
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask

from tenderflow_common.contracts.jobs import TERMINAL_STATUSES
from tenderflow_common.endpoints import Database
from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.job_views import FIELDS, served_view, view_key
from tenderflow_common.problems import Problem
from tenderflow_gateway.auth import Authenticate
from tenderflow_gateway.clients import Clients
from tenderflow_gateway.job_changes import JobChanges
from tenderflow_gateway.job_events_docs import EVENTS_RESPONSES, GONE
from tenderflow_gateway.job_lookup import stored_job
from tenderflow_gateway.job_views import with_current_eta
from tenderflow_gateway.poll_traces import JobTraces
from tenderflow_gateway.stream_slots import StreamSlots

CHANGE, END = "job", "end"


@dataclass(frozen=True)
class Snapshot:
    """A job's view as GET /v1/jobs/{id} returns it, and its version."""

    version: int
    view: dict

    @property
    def terminal(self) -> bool:
        return self.view["status"] in TERMINAL_STATUSES

    @property
    def shown(self) -> tuple:
        """What a change event is for: a new version that moves none of these is not sent."""
        return self.view["status"], self.view["stage"], self.view["progress"]

    def event(self, name: str) -> ServerSentEvent:
        return ServerSentEvent(json.dumps(self.view, separators=(",", ":")), event=name, id=str(self.version))


class CurrentViews:
    """A job's newest view, read without spending the tenant's budget again: from Redis when it holds a servable
    view, otherwise from the jobs service (as a poll falls back)."""

    def __init__(self, cache: redis.Redis | None, namespace: str, clients: Clients, database: Database) -> None:
        self._cache = cache
        self._namespace = namespace
        self._clients = clients
        self._database = database

    async def read(self, tenant_id: str, job_id: str) -> Snapshot:
        """The view (404 Problem when the tenant has no such job)."""
        if (published := await self._published(tenant_id, job_id)) is not None:
            return published
        stored = await stored_job(self._clients, self._database, job_id, tenant_id)
        return Snapshot(stored.version, stored.view.model_dump(mode="json"))

    async def _published(self, tenant_id: str, job_id: str) -> Snapshot | None:
        if self._cache is None:
            return None
        try:
            fields = await self._cache.hmget(view_key(self._namespace, tenant_id, job_id), FIELDS)
        except RedisError:
            return None
        body = served_view(fields)
        if body is None:
            return None
        return Snapshot(int(fields[0]), json.loads(with_current_eta(body, datetime.now(UTC))))


@dataclass(frozen=True)
class JobEventStreams:
    """What every stream on this replica shares: where views come from, who wakes them, and their bounds."""

    views: CurrentViews
    changes: JobChanges
    slots: StreamSlots
    keepalive_seconds: float
    reread_seconds: float
    traces: JobTraces | None = None

    async def events(self, tenant_id: str, job_id: str, after: int) -> AsyncIterator[ServerSentEvent]:
        """Events newer than version `after` until the job ends; a job that disappears ends with `gone`."""
        shown = None
        with self.changes.follow(tenant_id, job_id) as woken:
            while True:
                woken.clear()
                try:
                    current = await self.views.read(tenant_id, job_id)
                except ServiceUnavailable:
                    current = None  # the jobs service is away: keep the stream, read again later
                except Problem as missing:
                    if missing.status != 404:
                        raise
                    yield ServerSentEvent(json.dumps(GONE), event="gone")
                    return
                if current is not None and current.terminal:
                    yield current.event(END)
                    return
                if current is not None and current.version > after and current.shown != shown:
                    yield current.event(CHANGE)
                    after, shown = current.version, current.shown
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), self.reread_seconds)


def resumed_after(last_event_id: str | None) -> int:
    """The version a reconnecting client received last, -1 for a first connection; 422 unless a whole number.

    Read by hand, not declared as a header parameter: schema checkers then take every other header as invalid."""
    if last_event_id is None:
        return -1
    if not (last_event_id.isascii() and last_event_id.isdigit()):
        raise Problem(422, "Invalid Last-Event-ID", "Send back the `id` of an event this stream sent.",
                      kind="validation")
    return int(last_event_id)


def job_events_router(streams: JobEventStreams, authenticate: Authenticate) -> APIRouter:
    """The event stream route; opening a stream spends one request of the tenant's budget, its events none."""
    router = APIRouter(prefix="/v1")
    CurrentTenant = Annotated[str, Depends(authenticate)]

    @router.get("/jobs/{job_id}/events", tags=["jobs"], response_class=EventSourceResponse, responses=EVENTS_RESPONSES)
    async def follow_job(job_id: str, tenant_id: CurrentTenant, request: Request) -> EventSourceResponse:
        """Follow a job as it runs: an event `job` (the job as `GET /v1/jobs/{id}` returns it) each time its
        status, stage or progress changes, then an event `end` with the finished (or purged) job, and the stream
        closes.

        Every event's `id` is the job view's version: reconnect with `Last-Event-ID` to receive only what is newer
        (a finished job answers its `end` at once, whatever the id). A comment line keeps the connection alive
        while nothing changes. A job that disappears while followed ends the stream with an event `gone`."""
        await streams.views.read(tenant_id, job_id)  # 404 before any stream opens
        if streams.traces is not None:
            await streams.traces.link_poll(job_id, tenant_id)
        streams.slots.take(tenant_id)
        after = resumed_after(request.headers.get("last-event-id"))
        return EventSourceResponse(streams.events(tenant_id, job_id, after), ping=streams.keepalive_seconds,
                                   background=BackgroundTask(streams.slots.release, tenant_id))

    return router
