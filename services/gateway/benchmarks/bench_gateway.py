"""`GET /v1/jobs/{id}` through the gateway against a bare FastAPI endpoint returning the same document, in one run.

    make bench-gateway      # starts Kafka, PostgreSQL and Redis (make infra-up) and a stack of its own

A stack of its own (fresh ports, databases and topic prefix, a tenant budget too large to be reached, so the rate
limiter runs but never refuses) takes the sample tender's job to its end; the job's document is then served by a
bare FastAPI app under the same uvicorn settings. One client drives both: first a closed loop of
`BENCH_GATEWAY_CONNECTIONS` (32) connections, alternating targets `BENCH_GATEWAY_ROUNDS` (2) times for
`BENCH_GATEWAY_SECONDS` (8) each, whose median rates give the ratio; then an open loop at half the gateway's
saturation rate, on a fixed schedule, for its p99. Goal: gateway / bare >= 0.5, and p99 < 50 ms at half load.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from http_driver import Result, closed_loop, median_rate, open_loop, request_bytes

from tenderflow_common.testing.stack import Stack, free_port, stack_of_its_own

RATIO_GOAL, P99_GOAL_MS = 0.5, 50.0
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
HOST = "127.0.0.1"
BUDGET_PER_MINUTE = "100000000"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(_compare(Path(scratch)))


async def _compare(scratch: Path) -> None:
    budget = {"TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE": BUDGET_PER_MINUTE}
    async with stack_of_its_own(scratch / "stack", budget, timeout_seconds=300) as stack:
        key = stack.api_key("bench")
        job_id, document = await _finished_job(stack, key, scratch)
        (scratch / "job.json").write_bytes(document)
        bare_port = free_port()
        bare = await asyncio.create_subprocess_exec(sys.executable, str(HERE / "bare_app.py"), str(bare_port),
                                                    str(scratch / "job.json"))
        try:
            await _wait_until_answering(bare_port)
            await _measure(stack.ports["gateway"], bare_port, job_id, key, len(document))
        finally:
            bare.terminate()
            await bare.wait()


async def _finished_job(stack: Stack, key: str, scratch: Path) -> tuple[str, bytes]:
    """The sample tender's job taken to its end (answered offline), and its document as the gateway serves it."""
    package = scratch / "sample-tender.zip"
    await asyncio.to_thread(subprocess.run, [sys.executable, str(ROOT / "samples" / "make_sample.py"), str(package)],
                            check=True)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        accepted = await client.post("/v1/documents", files={"file": (package.name, package.read_bytes())})
        accepted.raise_for_status()
        job_id = accepted.json()["job_id"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            job = await client.get(f"/v1/jobs/{job_id}")
            if job.json()["status"] in ("succeeded", "failed", "cancelled"):
                print(f"the sample job ended {job.json()['status']}", flush=True)
                return job_id, job.content
            await asyncio.sleep(0.5)
    sys.exit("the sample job did not finish in 180 s")


async def _wait_until_answering(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                await client.get(f"http://{HOST}:{port}/docs")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    sys.exit("the bare app did not start")


async def _measure(gateway_port: int, bare_port: int, job_id: str, key: str, size: int) -> None:
    connections = int(os.environ.get("BENCH_GATEWAY_CONNECTIONS", "32"))
    rounds = int(os.environ.get("BENCH_GATEWAY_ROUNDS", "2"))
    seconds = float(os.environ.get("BENCH_GATEWAY_SECONDS", "8"))
    path = f"/v1/jobs/{job_id}"
    targets = {
        "gateway": (gateway_port, request_bytes(HOST, gateway_port, path, {"X-API-Key": key})),
        "bare": (bare_port, request_bytes(HOST, bare_port, path, {})),
        "bare bytes": (bare_port, request_bytes(HOST, bare_port, path.replace("/v1/", "/raw/"), {})),
    }
    print(f"\nGET {path}: a {size}-byte document; closed loop, {connections} connections, {seconds:.0f} s a run")
    for port, request in targets.values():
        await closed_loop(HOST, port, request, connections, 1.0)
    closed: dict[str, list[Result]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (port, request) in targets.items():
            result = await closed_loop(HOST, port, request, connections, seconds)
            closed[name].append(result)
            print(f"  {name:<11} {result.line()}", flush=True)
    rates = {name: median_rate(results) for name, results in closed.items()}
    ratio = rates["gateway"] / rates["bare"]
    print(f"  median: gateway {rates['gateway']:.0f}, bare {rates['bare']:.0f}, bare bytes {rates['bare bytes']:.0f}"
          f" req/s")
    print(f"  gateway / bare = {ratio:.2f} (/ bare bytes = {rates['gateway'] / rates['bare bytes']:.2f})"
          f"   goal >= {RATIO_GOAL}: {'met' if ratio >= RATIO_GOAL else 'NOT met'}")
    half = rates["gateway"] / 2
    print(f"\nopen loop at half the gateway's saturation: {half:.0f} req/s for {2 * seconds:.0f} s")
    held = {name: await open_loop(HOST, *targets[name], half, 2 * seconds) for name in ("gateway", "bare")}
    for name, result in held.items():
        print(f"  {name:<11} {result.line()}")
    p99 = held["gateway"].percentile(0.99)
    print(f"  gateway p99 {p99:.1f} ms   goal < {P99_GOAL_MS:.0f} ms: {'met' if p99 < P99_GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
