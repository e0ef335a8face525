"""What the extraction sandbox costs, as the ingest service runs it: per document and on a package of real tenders.

    .venv/bin/python services/ingest/benchmarks/bench_sandbox.py     # also the first part of make bench-ingest

(a) Start cost: a tiny JSON document through `extract_in_sandbox` against a direct call of the extractor; the
difference is what one child costs. (b) The real documents in ../shared/data/tenders, zipped into one package,
read with `read_package` and every accepted document extracted through the sandbox, against the same documents
extracted in process. Numbers are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from tenderflow_common.testing.tenders import TENDERS
from tenderflow_ingest.archive import read_package
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox import extract_in_sandbox

TINY_RUNS = 200


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(_report(Path(scratch)))


async def _report(scratch: Path) -> None:
    limits = IngestLimits()
    tiny = scratch / "tiny.json"
    tiny.write_text(json.dumps({"tender": {"title": "Road salt"}}))
    await extract_in_sandbox(tiny, "json", limits, threading.Event())  # starts the extraction server
    sandboxed = [(await _timed_sandbox(tiny, "json", limits))[0] for _ in range(TINY_RUNS)]
    direct = [_timed_direct(tiny, "json", limits)[0] for _ in range(TINY_RUNS)]
    print(f"(a) one tiny document, median of {TINY_RUNS}:")
    print(f"    through the sandbox {statistics.median(sandboxed) * 1000:8.2f} ms")
    print(f"    direct call         {statistics.median(direct) * 1000:8.2f} ms")
    print(f"    start cost per document {(statistics.median(sandboxed) - statistics.median(direct)) * 1000:.2f} ms")

    package = scratch / "real-tenders.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for document in sorted(TENDERS.rglob("*")):
            if document.is_file() and document.suffix != ".md":
                archive.write(document, document.relative_to(TENDERS).as_posix())
    reading = read_package(package, scratch / "work", limits)
    sandbox_seconds = direct_seconds = 0.0
    pages = 0
    for spooled in reading.files:
        seconds, pages_read = await _timed_sandbox(spooled.path, spooled.doc_type, limits)
        sandbox_seconds += seconds
        pages += pages_read
        direct_seconds += _timed_direct(spooled.path, spooled.doc_type, limits)[0]
    print(f"\n(b) {len(reading.files)} real documents ({pages} pages) from {TENDERS}:")
    print(f"    through the sandbox {sandbox_seconds:8.2f} s")
    print(f"    direct calls        {direct_seconds:8.2f} s")
    print(f"    ratio {sandbox_seconds / direct_seconds:.2f}")


async def _timed_sandbox(path: Path, doc_type: str, limits: IngestLimits) -> tuple[float, int]:
    """Seconds and pages; a document the extractors refuse costs its time all the same."""
    started = time.perf_counter()
    try:
        pages = (await extract_in_sandbox(path, doc_type, limits, threading.Event())).pages
    except ExtractionError:
        pages = 0
    return time.perf_counter() - started, pages


def _timed_direct(path: Path, doc_type: str, limits: IngestLimits) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        pages = extract(path, doc_type, limits).pages
    except ExtractionError:
        pages = 0
    return time.perf_counter() - started, pages


if __name__ == "__main__":
    main()
