"""Status polls as short traces of their own, linked to their job's trace: made when the client's sampled
`traceparent` asks or at a configured ratio; every other poll makes no span at all."""

import random
import re
import time
from collections.abc import Callable

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tenderflow_common.endpoints import Database
from tenderflow_common.telemetry import link_to, tracer
from tenderflow_gateway import repository

# A job's status poll and its event stream; the FastAPI instrumentation skips both, and spans come from here.
POLL_PATH = r"/v1/jobs/[^/]+(/events)?$"
_POLL = re.compile(POLL_PATH)
_TRACEPARENT = b"traceparent"
# How long a job's link is remembered, and for how many jobs at most.
LINK_MEMORY_SECONDS = 60.0
MAX_REMEMBERED_LINKS = 10_000


class PollTraces:
    """ASGI middleware giving a sampled poll one server span, as the root of its own trace or continuing the
    client's; an unsampled poll costs a path match, a look at the headers and one random number."""

    def __init__(self, app: ASGIApp, ratio: float, chance: Callable[[], float] = random.random) -> None:
        self.app = app
        self._ratio = ratio
        self._chance = chance

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (match := _POLL.search(scope["path"])) is None:
            return await self.app(scope, receive, send)
        parent = self._sampled_parent(scope)
        if parent is None:
            return await self.app(scope, receive, send)
        route = "/v1/jobs/{job_id}/events" if match.group(1) else "/v1/jobs/{job_id}"
        attributes = {"http.request.method": scope["method"], "http.route": route, "url.path": scope["path"]}
        with tracer(__name__).start_as_current_span(f"{scope['method']} {route}", context=parent,
                                                    kind=trace.SpanKind.SERVER, attributes=attributes) as span:

            async def traced_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                    if message["status"] >= 500:
                        span.set_status(trace.StatusCode.ERROR)
                await send(message)

            await self.app(scope, receive, traced_send)

    def _sampled_parent(self, scope: Scope) -> otel_context.Context | None:
        """The client's context when its `traceparent` is sampled; an empty one (a new root) when the ratio picks
        the poll; None when the poll is not traced."""
        for name, value in scope["headers"]:
            if name == _TRACEPARENT:
                client = propagate.extract({"traceparent": value.decode("latin-1")})
                if trace.get_current_span(client).get_span_context().trace_flags.sampled:
                    return client
                break
        if self._ratio > 0 and self._chance() < self._ratio:
            return otel_context.Context()
        return None


class JobTraces:
    """The trace each accepted job's upload began, read only for a poll that is traced, and remembered for
    `LINK_MEMORY_SECONDS`: a job many clients poll, each traced now and then, is looked up about once a minute
    rather than at every traced poll (a query costs as much CPU as tens of polls)."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._database = database
        self._clock = clock
        self._links: dict[tuple[str, str], tuple[float, trace.Link | None]] = {}

    async def link_poll(self, job_id: str, tenant_id: str) -> None:
        """Link the current poll's span to its job's trace; nothing is read when the poll is not traced."""
        span = trace.get_current_span()
        if not span.is_recording():
            return
        if (link := await self._link(job_id, tenant_id)) is not None:
            span.add_link(link.context, {"tenderflow.job_id": job_id})

    async def _link(self, job_id: str, tenant_id: str) -> trace.Link | None:
        remembered = self._links.get((tenant_id, job_id))
        if remembered is not None and remembered[0] > self._clock():
            return remembered[1]
        async with self._database.sessions() as session:
            accepted = await repository.submission(session, job_id, tenant_id)
        link = link_to(accepted["trace_context"]) if accepted is not None else None
        if len(self._links) >= MAX_REMEMBERED_LINKS:
            self._links.clear()
        self._links[(tenant_id, job_id)] = (self._clock() + LINK_MEMORY_SECONDS, link)
        return link
