"""One job in embedded mode is one trace: the upload starts it, and every service's work joins it; a traced status
poll is a short trace of its own, linked to the job's."""

import asyncio
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tenderflow_cli.embedded import EmbeddedSystem

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = {"succeeded", "failed", "cancelled", "rejected"}


async def analyze(data_dir: Path, package: Path, exporter: InMemorySpanExporter) -> tuple[dict, int]:
    """Upload the package and poll the job until it ends, as the CLI does; the ended job and how many polls."""
    system = EmbeddedSystem(data_dir).build()
    # Building the services installs the SDK's provider (once per process); the test's exporter joins it.
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    await system.start()
    try:
        key, _ = await system.dev_api_key()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://x",
                                     headers={"X-API-Key": key}) as client:
            content = await asyncio.to_thread(package.read_bytes)
            upload = await client.post("/v1/documents", files={"file": (package.name, content, "application/zip")})
            assert upload.status_code == 202, upload.text
            job_id, polls = upload.json()["job_id"], 0
            for _ in range(600):
                polls += 1
                job = (await client.get(f"/v1/jobs/{job_id}")).json()
                if job["status"] in TERMINAL:
                    break
                await asyncio.sleep(0.2)
            assert job["status"] == "succeeded", job
            return job, polls
    finally:
        await system.stop()
        exporter.shutdown()


def job_of(span: ReadableSpan) -> str | None:
    return span.attributes.get("job_id") or span.attributes.get("tenderflow.job_id")


def test_one_job_is_one_trace(tmp_path, monkeypatch):
    monkeypatch.setenv("TENDERFLOW_GATEWAY_POLL_TRACE_RATIO", "1")  # every poll traced, to see where they go
    package = tmp_path / "sample-tender.zip"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample.py"), str(package)], check=True,
                   capture_output=True)
    exporter = InMemorySpanExporter()
    job, polls = asyncio.run(analyze(tmp_path / "data", package, exporter))
    spans = exporter.get_finished_spans()

    traces: dict[int, list[ReadableSpan]] = defaultdict(list)
    for span in spans:
        traces[span.context.trace_id].append(span)
    upload = next(span for span in spans if span.name == "POST /v1/documents" and span.parent is None)
    job_trace = traces.pop(upload.context.trace_id)
    names = {span.name for span in job_trace}
    assert {"ingest-pipeline step", "question-runs step"} <= names
    assert any(name.startswith("send ") for name in names) and any(name.startswith("process ") for name in names)
    # A span for each extracted document and for each question answered, all in the job's trace.
    counts = Counter(span.name.split()[0] for span in job_trace)
    assert counts["extract"] == job["progress"]["documents_extracted"] > 0
    assert counts["answer"] == job["progress"]["questions_total"] > 0
    # No other trace holds any of this job's work; each poll is a root of its own, linked to the job's trace.
    assert [span.name for other in traces.values() for span in other if job_of(span) == job["job_id"]] == []
    assert not [span.name for span in job_trace if "/jobs/" in span.name]
    polled = [span for span in spans if span.name == "GET /v1/jobs/{job_id}"]
    assert polls > 1 and len(polled) == polls
    assert all(span.parent is None and [link.context.trace_id for link in span.links] == [upload.context.trace_id]
               for span in polled)
