"""Prometheus metrics shared by every service, and the /metrics endpoint.

Label sets stay bounded: services, route templates, topics, message types, outcomes and partitions, never ids."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tenderflow_common import topics
from tenderflow_common.transport import Record

log = logging.getLogger(__name__)

messages_consumed = Counter(
    "tenderflow_messages_consumed_total",
    "Messages taken off Kafka, by outcome: handled, duplicate (skipped), dead_lettered, or failed (an attempt that "
    "raised and is retried)", ["consumer", "topic", "type", "outcome"]
)
messages_published = Counter("tenderflow_messages_published_total", "Records sent to Kafka, by outcome",
                             ["topic", "outcome"])
dead_letters = Counter("tenderflow_dead_letters_total",
                       "Records set aside for an operator, by the topic they came from", ["topic"])
http_request_seconds = Histogram(
    "tenderflow_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"]
)

Sampler = Callable[[], Awaitable[None]]
"""Brings gauges up to date from their source (a database, the consumer's offsets) right before a scrape."""

samplers: set[Sampler] = set()
SAMPLE_TIMEOUT_SECONDS = 3.0

router = APIRouter()

_DEAD_LETTER_SUFFIX = topics.dead_letters("")


def count_consumed(consumer: str, record: Record, message_type: str, outcome: str, count: int = 1) -> None:
    """One message taken off a topic (or `count` alike from one poll), and what became of it."""
    messages_consumed.labels(consumer, record.topic, message_type, outcome).inc(count)


def count_published(topic: str, outcome: str) -> None:
    """One record sent (or not); a dead-letter topic's record also counts against the topic it left."""
    messages_published.labels(topic, outcome).inc()
    if outcome == "published" and topic.endswith(_DEAD_LETTER_SUFFIX):
        dead_letters.labels(topic.removesuffix(_DEAD_LETTER_SUFFIX)).inc()


class RequestMetrics:
    """ASGI middleware observing every HTTP request's latency, labelled by its route's template (never the raw
    path, whose ids would make a series per job)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            http_request_seconds.labels(self.service, scope["method"], route, str(status)).observe(
                time.perf_counter() - started)


async def sample_all() -> None:
    """Run every registered sampler at once; one that fails or hangs leaves its gauges as they were."""
    results = await asyncio.gather(*(asyncio.wait_for(sample(), SAMPLE_TIMEOUT_SECONDS) for sample in samplers),
                                   return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            log.warning("a metrics sampler failed: %s: %s", type(result).__name__, result)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    """Expose the process's metrics in the Prometheus text format, gauges sampled at this moment."""
    await sample_all()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
