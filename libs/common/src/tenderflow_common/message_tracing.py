"""Kafka producer and consumer spans as the OpenTelemetry messaging conventions name them: a `send` span per
published record whose context travels in its headers, a `process` span per handled record as that span's child,
and one `process` span per batch with a link to each record's producer."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from opentelemetry import trace

from tenderflow_common.telemetry import continued_trace, current_trace_headers, link_to
from tenderflow_common.transport import Record

SYSTEM = "kafka"
# The SDK keeps at most 128 links a span; a poll of 2,000 records links its first ones.
MAX_LINKS = 128


@contextmanager
def sending(topic: str, key: str, headers: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """A producer span continuing the context stored with the record (its outbox row); yields the headers to send,
    which carry the producer span's own context to the consumer."""
    with continued_trace(headers, f"send {topic}", kind=trace.SpanKind.PRODUCER, attributes={
        "messaging.system": SYSTEM, "messaging.operation.type": "send", "messaging.operation.name": "send",
        "messaging.destination.name": topic, "messaging.kafka.message.key": key,
    }):
        yield {**headers, **current_trace_headers()}


@contextmanager
def processing(record: Record, group: str, **attributes: str) -> Iterator[trace.Span]:
    """The consumer span of one record, a child of its producer span."""
    with continued_trace(record.headers, f"process {record.topic}", kind=trace.SpanKind.CONSUMER,
                         attributes={**_record_attributes(record, group), **attributes}) as span:
        yield span


@contextmanager
def processing_batch(records: Sequence[Record], group: str) -> Iterator[trace.Span]:
    """One consumer span for records handled together, linked to each record's producer span. When they all belong
    to one trace (one job's messages), the span continues that trace; otherwise it starts its own."""
    links = [link for link in (link_to(record.headers) for record in records[:MAX_LINKS]) if link is not None]
    # A traceparent is `00-<trace id>-<span id>-<flags>`: comparing the ids needs no parsing of 2,000 headers.
    traces = {record.headers.get("traceparent", "")[3:35] for record in records}
    parent = records[-1].headers if len(traces) == 1 and "" not in traces else {}
    with continued_trace(parent, f"process {records[0].topic}", kind=trace.SpanKind.CONSUMER, links=links,
                         attributes={**_record_attributes(records[0], group),
                                     "messaging.batch.message_count": len(records)}) as span:
        yield span


def _record_attributes(record: Record, group: str) -> dict[str, str | int]:
    return {"messaging.system": SYSTEM, "messaging.operation.type": "process", "messaging.operation.name": "process",
            "messaging.destination.name": record.topic, "messaging.consumer.group.name": group,
            "messaging.destination.partition.id": str(record.partition), "messaging.kafka.offset": record.offset}
