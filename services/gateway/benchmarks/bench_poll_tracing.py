"""What tracing a job's status poll costs: CPU seconds per poll as served before polls could be traced, unsampled
and sampled, in one run.

    .venv/bin/python services/gateway/benchmarks/bench_poll_tracing.py

Three embedded systems (SQLite, in process) take the sample tender to its end. The first serves polls without the
middleware that traces sampled ones (as before it existed), the second with it and
`TENDERFLOW_GATEWAY_POLL_TRACE_RATIO=0` (an unsampled poll), the third with a ratio of 1 (every poll a short trace
linked to the job's, which reads the job's trace context from the gateway's database). Spans go to a batch
processor whose exporter drops them (so encoding and sending, which a real exporter adds, are not counted: the
traced figure is a lower bound). Polls alternate between the systems in rounds of `BENCH_POLLS` (300),
`BENCH_ROUNDS` (5) times; the medians of process CPU time per poll give the ratios.
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
from tenderflow_cli.embedded import EmbeddedSystem

ROOT = Path(__file__).resolve().parents[3]
POLLS = int(os.environ.get("BENCH_POLLS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


class WithoutPollTraces:
    """The gateway as it was before sampled polls were traced: the middleware's place taken by nothing."""

    def __init__(self, app, ratio: float) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


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
    served_by = gateway_main.PollTraces
    gateway_main.PollTraces = WithoutPollTraces
    systems = {"before": await ready_system(scratch / "before", package)}
    gateway_main.PollTraces = served_by
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    provider.add_span_processor(BatchSpanProcessor(Dropped()))
    for name, ratio in (("unsampled", "0"), ("sampled", "1")):
        os.environ["TENDERFLOW_GATEWAY_POLL_TRACE_RATIO"] = ratio
        systems[name] = await ready_system(scratch / name, package)
    times: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(ROUNDS):
        for name, (_, client, job_url) in systems.items():
            times[name].append(await cpu_per_poll(client, job_url))
    for system, client, _ in systems.values():
        await client.aclose()
        await system.stop()
    medians = {name: statistics.median(each) for name, each in times.items()}
    print(f"polls per round: {POLLS}, rounds: {ROUNDS}")
    print("; ".join(f"{name} poll: {median * 1e6:.0f} µs CPU" for name, median in medians.items()))
    print(f"unsampled / before = {medians['unsampled'] / medians['before']:.2f}; "
          f"sampled / unsampled = {medians['sampled'] / medians['unsampled']:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        package = Path(scratch) / "sample-tender.zip"
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample.py"), str(package)], check=True,
                       capture_output=True)
        asyncio.run(compare(Path(scratch), package.read_bytes()))


if __name__ == "__main__":
    main()
