"""Embedded mode against the five-process stack, on the same package of real tenders, in the same run.

    make bench-modes        # starts Kafka, PostgreSQL and Redis (make infra-up) and a stack of its own

The package holds every document in ../shared/data/tenders (PDFs, TED XML, OCDS JSON, and what else is there).
`tenderflow analyze --format json` runs it embedded on a fresh data folder, then through a fresh stack (its own
ports, databases and topic prefix), alternating, `BENCH_MODES_REPEATS` times (2); the ratio of the medians is
printed. The goal is at most 1.2: a newcomer's embedded run should be about as fast as the stack.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tenderflow_common.testing.infra import from_environment
from tenderflow_common.testing.stack import Stack
from tenderflow_common.testing.tenders import TENDERS
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics, new_prefix

GOAL = 1.2
CLI = [sys.executable, "-m", "tenderflow_cli"]


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(_compare(Path(scratch)))


async def _compare(scratch: Path) -> None:
    infra = from_environment()
    if infra is None:
        sys.exit("No Kafka/PostgreSQL/Redis found: run `make infra-up` first.")
    package = _real_package(scratch / "real-tenders.zip")
    repeats = int(os.environ.get("BENCH_MODES_REPEATS", "2"))
    prefix = new_prefix()
    topics = await create_prefixed_topics(infra.kafka_bootstrap_servers, prefix)
    stack = Stack(infra=infra, topic_prefix=prefix, work_dir=scratch / "stack")
    try:
        await stack.start()
        key = _api_key(stack)
        times: dict[str, list[float]] = {"embedded": [], "stack": []}
        for run in range(repeats):
            times["embedded"].append(_analyze(package, "--data-dir", str(scratch / f"embedded-{run}")))
            times["stack"].append(_analyze(package, "--gateway", stack.gateway_url, "--api-key", key))
    finally:
        await stack.stop()
        await delete_topics(infra.kafka_bootstrap_servers, topics)
    with zipfile.ZipFile(package) as archive:
        print(f"\npackage: {len(archive.namelist())} real documents from {TENDERS}")
    for mode, seconds in times.items():
        print(f"  {mode:<9} {' '.join(f'{s:6.1f} s' for s in seconds)}   median {statistics.median(seconds):6.1f} s")
    ratio = statistics.median(times["embedded"]) / statistics.median(times["stack"])
    print(f"  embedded / stack = {ratio:.2f}   goal <= {GOAL}: {'met' if ratio <= GOAL else 'NOT met'}")


def _real_package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in sorted(TENDERS.rglob("*")):
            if document.is_file() and document.suffix != ".md":
                archive.write(document, document.relative_to(TENDERS).as_posix())
    return path


def _api_key(stack: Stack) -> str:
    env = stack.environment() | {"TENDERFLOW_GATEWAY_DATABASE_URL": stack.databases["gateway"]}
    created = subprocess.run([*CLI, "keys", "create", "--tenant", "bench"], env=env, check=True,
                             capture_output=True, text=True)
    return created.stdout.strip().splitlines()[-1]


def _analyze(package: Path, *mode: str) -> float:
    print(f"tenderflow analyze {' '.join(mode[:2])} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([*CLI, "analyze", str(package), *mode, "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items() if k != "TENDERFLOW_API_KEY"})
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
