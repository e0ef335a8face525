"""Extraction runs in a child process: bounded in memory and time, killed at once on cancellation."""

import asyncio
import json
import threading
import time
from dataclasses import replace

import pytest

from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors.base import ExtractionError
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox import extract_in_sandbox

MIB = 1024 * 1024


async def test_a_document_comes_back_whole(tmp_path):
    path = tmp_path / "release.json"
    path.write_text(json.dumps({"tender": {"title": "Road salt", "value": {"amount": 10, "currency": "EUR"}}}))
    extraction = await extract_in_sandbox(path, "json", IngestLimits(), threading.Event())
    assert extraction.doc_type == "json"
    assert any("Road salt" in unit.text for unit in extraction.units)


async def test_a_document_that_needs_too_much_memory_gets_a_verdict(tmp_path):
    path = tmp_path / "wide.csv"
    row = ";".join(f"cell{i}" for i in range(200)) + "\n"
    with path.open("w") as out:
        out.write(";".join(f"h{i}" for i in range(200)) + "\n")
        for _ in range(20_000):
            out.write(row)
    limits = replace(IngestLimits(), max_extraction_memory=256 * MIB)
    with pytest.raises(ExtractionError) as refused:
        await extract_in_sandbox(path, "csv", limits, threading.Event())
    assert refused.value.code == "memory_limit"
    small = await extract_in_sandbox(path, "csv", IngestLimits(), threading.Event())
    assert len(small.units) == 20_000


async def test_cancellation_stops_the_child_within_a_fraction_of_a_second(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write("a;b\n")
        for n in range(2_000_000):
            out.write(f"{n};value {n}\n")
    cancelled = threading.Event()
    extraction = asyncio.create_task(extract_in_sandbox(path, "csv", IngestLimits(), cancelled))
    await asyncio.sleep(0.5)
    asked = time.monotonic()
    cancelled.set()
    with pytest.raises(Cancelled):
        await extraction
    assert time.monotonic() - asked < 2.0


async def test_a_runaway_document_is_stopped_at_its_deadline(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w") as out:
        out.write("a;b\n")
        for n in range(2_000_000):
            out.write(f"{n};value {n}\n")
    limits = replace(IngestLimits(), max_extraction_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(ExtractionError) as stopped:
        await extract_in_sandbox(path, "csv", limits, threading.Event())
    assert stopped.value.code == "extraction_timeout"
    assert time.monotonic() - started < 5.0
