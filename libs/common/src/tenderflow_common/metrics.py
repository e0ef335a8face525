"""Prometheus metrics shared by every service, and the /metrics endpoint."""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

messages_consumed = Counter(
    "tenderflow_messages_consumed_total", "Messages taken off Kafka, by outcome", ["consumer", "type", "outcome"]
)
messages_published = Counter("tenderflow_messages_published_total", "Outbox messages sent to Kafka", ["topic"])
http_request_seconds = Histogram(
    "tenderflow_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"]
)

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def prometheus_metrics() -> Response:
    """Expose the process's metrics in the Prometheus text format."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
