"""Prometheus metrics shared by every service, and the /metrics endpoint."""

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

messages_consumed = Counter(
    "tenderflow_messages_consumed_total", "Messages taken off Kafka, by outcome", ["consumer", "type", "outcome"]
)
messages_published = Counter("tenderflow_messages_published_total", "Outbox messages sent to Kafka", ["topic"])
http_request_seconds = Histogram(
    "tenderflow_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"]
)

router = APIRouter()


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


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics() -> Response:
    """Expose the process's metrics in the Prometheus text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
