"""What tracing a job's status poll would cost: CPU seconds per poll, untraced (as served) and traced, in one run.

    .venv/bin/python services/gateway/benchmarks/bench_poll_tracing.py

Two embedded systems (SQLite, in process) take the sample tender to its end; one serves polls as the gateway does
(no spans for `GET /v1/jobs/{id}` nor for the jobs service's read behind it), the other with both traced as short
traces of their own, spans going to a batch processor whose exporter drops them (so encoding and sending, which a
real exporter adds, are not counted: the traced figure is a lower bound). Polls alternate between the two in rounds
of `BENCH_POLLS` (300), `BENCH_ROUNDS` (5) times; the medians of process CPU time per poll give the ratio.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

import tenderflow_gateway.main as gateway_main
import tenderflow_jobs.main as jobs_main
from tenderflow_cli.embedded import EmbeddedSystem

ROOT = Path(__file__).resolve().parents[3]
POLLS = int(os.environ.get("BENCH_POLLS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


class Dropped(SpanExporter):
    """Takes batches and keeps nothing."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


async def ready_system(data_dir: Path, package: bytes) -> tuple[EmbeddedSystem, httpx.AsyncClient, str]:
    """A started system whose sample job has ended, a client of its gateway, and the job's address."""
    system = EmbeddedSystem(data_dir).build()
    await system.start()
    key, _ = await system.dev_api_key()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://x",
                               headers={"X-API-Key": key})
    upload = await client.post("/v1/documents", files={"file": ("p.zip", package, "application/zip")})
    job_url = upload.headers["location"]
    for _ in range(600):
        if (await client.get(job_url)).json()["status"] in ("succeeded", "failed", "cancelled"):
            return system, client, job_url
        await asyncio.sleep(0.2)
    raise RuntimeError("the sample job did not end")


async def cpu_per_poll(client: httpx.AsyncClient, job_url: str) -> float:
    started = time.process_time()
    for _ in range(POLLS):
        assert (await client.get(job_url)).status_code == 200
    return (time.process_time() - started) / POLLS


async def compare(scratch: Path, package: bytes) -> None:
    untraced = await ready_system(scratch / "untraced", package)
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(BatchSpanProcessor(Dropped()))
    gateway_main.UNTRACED_POLL = jobs_main.UNTRACED_READ = r"^$"  # the second system traces its polls
    traced = await ready_system(scratch / "traced", package)
    times: dict[str, list[float]] = {"untraced": [], "traced": []}
    for _ in range(ROUNDS):
        for name, (_, client, job_url) in (("untraced", untraced), ("traced", traced)):
            times[name].append(await cpu_per_poll(client, job_url))
    for system, client, _ in (untraced, traced):
        await client.aclose()
        await system.stop()
    plain, with_spans = statistics.median(times["untraced"]), statistics.median(times["traced"])
    print(f"polls per round: {POLLS}, rounds: {ROUNDS}")
    print(f"untraced poll: {plain * 1e6:.0f} µs CPU; traced poll: {with_spans * 1e6:.0f} µs CPU; "
          f"traced / untraced = {with_spans / plain:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = Path(scratch) / "sample-tender.zip"
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample.py"), str(package)], check=True,
                       capture_output=True)
        asyncio.run(compare(Path(scratch), package.read_bytes()))


if __name__ == "__main__":
    main()
