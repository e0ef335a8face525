"""On the real stack (five processes, real Kafka and PostgreSQL), one job is one trace: the upload's POST is its
root, every service's work for the job joins it across Kafka and claimed tasks, and status polls stay out of it
(each traced poll a short trace of its own, linked to the job's).
The services export over OTLP/HTTP, configured only by the standard OTEL_* variables, to a receiver in this test."""

import asyncio
import gzip
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e
SERVICES = {f"tenderflow-{name}" for name in ("gateway", "ingest", "workspace", "questions", "jobs")}


@dataclass(frozen=True)
class Received:
    """One exported span and the service that sent it."""

    service: str
    span: Span

    @property
    def name(self) -> str:
        return self.span.name

    def attribute(self, key: str) -> str | None:
        for attribute in self.span.attributes:
            if attribute.key == key:
                value = attribute.value
                return value.string_value or str(value.int_value)
        return None


class OtlpReceiver(ThreadingHTTPServer):
    """An OTLP/HTTP traces endpoint that keeps every span it is sent."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ExportHandler)
        self.spans: list[Received] = []
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.spans)


class _ExportHandler(BaseHTTPRequestHandler):
    server: OtlpReceiver

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest.FromString(body)
        with self.server.lock:
            for resource_spans in request.resource_spans:
                service = next(a.value.string_value for a in resource_spans.resource.attributes
                               if a.key == "service.name")
                for scope_spans in resource_spans.scope_spans:
                    self.server.spans.extend(Received(service, span) for span in scope_spans.spans)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_args) -> None:
        """Quiet: a request per export batch."""


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    server = OtlpReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def stack_env(receiver: OtlpReceiver) -> dict[str, str]:
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY": "200", "OTEL_TRACES_SAMPLER": "parentbased_always_on",
            "TENDERFLOW_GATEWAY_POLL_TRACE_RATIO": "1"}


def job_of(received: Received) -> str | None:
    return received.attribute("job_id") or received.attribute("tenderflow.job_id")


async def spans_of_trace(receiver: OtlpReceiver, trace_id: bytes, questions: int) -> list[Received]:
    """The trace's spans once every question's answer and the jobs service's last fold have arrived."""
    deadline = time.monotonic() + 30
    while True:
        spans = [r for r in receiver.received() if r.span.trace_id == trace_id]
        answers = sum(1 for r in spans if r.name.startswith("answer "))
        folded = sum(1 for r in spans if r.service == "tenderflow-jobs" and r.name.startswith("process "))
        if (answers >= questions and folded and {r.service for r in spans} >= SERVICES) \
                or time.monotonic() > deadline:
            await asyncio.sleep(1)  # the batch processors' last exports
            return [r for r in receiver.received() if r.span.trace_id == trace_id]
        await asyncio.sleep(0.2)


async def test_one_job_is_one_trace_across_the_five_services(stack, receiver, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            upload = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")})
        assert upload.status_code == 202, upload.text
        job = await wait_for_end(client, upload.headers["location"])
    assert job["status"] == "succeeded", job

    root = next(r for r in receiver.received() if r.service == "tenderflow-gateway"
                and r.name == "POST /v1/documents" and r.span.kind == Span.SPAN_KIND_SERVER)
    assert root.span.parent_span_id == b""
    spans = await spans_of_trace(receiver, root.span.trace_id, job["progress"]["questions_total"])
    by_id = {r.span.span_id: r for r in spans}

    assert {r.service for r in spans} == SERVICES
    counts = Counter((r.service, r.name.split()[0]) for r in spans)
    assert counts["tenderflow-ingest", "extract"] == job["progress"]["documents_extracted"] > 0
    assert counts["tenderflow-questions", "answer"] == job["progress"]["questions_total"] > 0
    assert counts["tenderflow-ingest", "ingest-pipeline"] >= 1 and counts["tenderflow-questions", "question-runs"] >= 1
    for service in ("tenderflow-ingest", "tenderflow-workspace", "tenderflow-questions", "tenderflow-jobs"):
        assert counts[service, "process"] > 0, service
    for service in ("tenderflow-gateway", "tenderflow-ingest", "tenderflow-workspace", "tenderflow-questions"):
        assert counts[service, "send"] > 0, service
    # Parent and child: one root, every other span's parent in the trace, a consumer's parent is a producer.
    assert [r for r in spans if r.span.parent_span_id == b""] == [root]
    assert all(r.span.parent_span_id in by_id for r in spans if r is not root)
    consumers = [r for r in spans if r.span.kind == Span.SPAN_KIND_CONSUMER]
    assert consumers and all(by_id[r.span.parent_span_id].span.kind == Span.SPAN_KIND_PRODUCER for r in consumers)
    steps = [r for r in spans if r.name.endswith(" step")]
    assert all(by_id[r.span.parent_span_id].span.kind == Span.SPAN_KIND_CONSUMER for r in steps)

    # No other trace holds work of this job; every poll is a root of its own linked to the job's trace, and the
    # jobs service's read behind a poll is not traced.
    elsewhere: dict[bytes, list[str]] = defaultdict(list)
    for r in receiver.received():
        if r.span.trace_id != root.span.trace_id and job_of(r) == job["job_id"]:
            elsewhere[r.span.trace_id].append(r.name)
    assert dict(elsewhere) == {}
    assert [r.name for r in spans if r.name.startswith(("GET /v1/jobs/", "GET /internal/jobs/"))] == []
    polled = [r for r in receiver.received() if r.name == "GET /v1/jobs/{job_id}"]
    assert polled and all(r.span.parent_span_id == b"" and [link.trace_id for link in r.span.links]
                          == [root.span.trace_id] for r in polled)
    assert [r.name for r in receiver.received() if r.name.startswith("GET /internal/jobs/")] == []
