"""Extraction runs in a child process: bounded in memory and time, killed at once on cancellation."""

import asyncio
import contextlib
import json
import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tenderflow_ingest import sandbox as sandbox_module
from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox import extract_in_sandbox

MIB = 1024 * 1024


async def test_a_document_comes_back_whole(tmp_path):
    path = tmp_path / "release.json"
    path.write_text(json.dumps({"tender": {"title": "Road salt", "value": {"amount": 10, "currency": "EUR"}}}))
    extraction = await extract_in_sandbox(path, "json", IngestLimits(), threading.Event())
    assert extraction.doc_type == "json"
    assert any("Road salt" in unit.text for unit in extraction.units)


async def test_a_document_named_by_a_relative_path_is_extracted(tmp_path, monkeypatch):
    """Services and embedded mode spool entries under folders relative to their working folder."""
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "prices.csv").write_text("item,price\nsalt,10\n")
    monkeypatch.chdir(tmp_path)
    extraction = await extract_in_sandbox(Path("entries/prices.csv"), "csv", IngestLimits(), threading.Event())
    assert [unit.text for unit in extraction.units] == ["item: salt; price: 10"]


async def test_a_document_that_needs_too_much_memory_gets_a_verdict(tmp_path):
    path = tmp_path / "wide.csv"
    row = ";".join(f"cell{i}" for i in range(200)) + "\n"
    with path.open("w") as out:
        out.write(";".join(f"h{i}" for i in range(200)) + "\n")
        for _ in range(20_000):
            out.write(row)
    # About 250 MB to read whole: a cap at half that is well below it, whatever the server has imported.
    limits = replace(IngestLimits(), max_extraction_memory=128 * MIB)
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


def _server_pids() -> list[int]:
    """The extraction servers this process started, found the way an operator would: in /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, NotADirectoryError, ProcessLookupError, PermissionError):
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"tenderflow_ingest.sandbox_server" in cmdline:
            pids.append(int(entry.name))
    return pids


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _environment(pid: int) -> bytes:
    return Path(f"/proc/{pid}/environ").read_bytes()


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def _big_csv(path: Path) -> Path:
    with path.open("w") as out:
        out.write("a;b\n")
        for n in range(2_000_000):
            out.write(f"{n};value {n}\n")
    return path


async def test_the_extraction_comes_back_exactly_as_extracted_in_process(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("Position;Beschreibung;Preis\n1;Rohbau Mensa;125000 €\n2;Dach;9 €\n")
    assert await extract_in_sandbox(path, "csv", IngestLimits(), threading.Event()) == extract(path, "csv",
                                                                                              IngestLimits())


async def test_the_extraction_server_sees_none_of_the_services_secrets(tmp_path, monkeypatch):
    path = tmp_path / "release.json"
    path.write_text(json.dumps({"tender": {"title": "Road salt"}}))
    monkeypatch.setenv("TENDERFLOW_INTERNAL_SIGNING_KEY", "a-secret-the-child-must-not-see")
    monkeypatch.setenv("TENDERFLOW_POSTGRES_URL", "postgresql+asyncpg://user:password@db:5432")
    sandbox_module._server.stop()
    await extract_in_sandbox(path, "json", IngestLimits(), threading.Event())
    [server] = _server_pids()
    environment = _environment(server)
    assert b"a-secret-the-child-must-not-see" not in environment
    assert b"TENDERFLOW_POSTGRES_URL" not in environment
    assert b"PATH=" in environment


async def test_a_child_that_dies_without_a_result_is_a_crash_verdict(tmp_path):
    path = _big_csv(tmp_path / "big.csv")
    extraction = asyncio.create_task(extract_in_sandbox(path, "csv", IngestLimits(), threading.Event()))
    await asyncio.to_thread(_wait_until, lambda: _server_pids() and _children(_server_pids()[0]))
    [server] = _server_pids()
    for child in _children(server):
        os.kill(child, signal.SIGSEGV)
    with pytest.raises(ExtractionError) as crashed:
        await extraction
    assert crashed.value.code == "extraction_crashed"
    assert f"exit code {-signal.SIGSEGV}" in crashed.value.reason


async def test_a_killed_extraction_server_is_replaced_and_extraction_goes_on(tmp_path):
    path = tmp_path / "release.json"
    path.write_text(json.dumps({"tender": {"title": "Road salt"}}))
    await extract_in_sandbox(path, "json", IngestLimits(), threading.Event())
    [server] = _server_pids()
    os.kill(server, signal.SIGKILL)
    extraction = await extract_in_sandbox(path, "json", IngestLimits(), threading.Event())
    assert any("Road salt" in unit.text for unit in extraction.units)
    assert _server_pids() != [server]


async def test_cancelled_and_timed_out_children_do_not_outlive_their_verdict(tmp_path):
    path = _big_csv(tmp_path / "big.csv")
    limits = replace(IngestLimits(), max_extraction_seconds=0.3)
    with pytest.raises(ExtractionError):
        await extract_in_sandbox(path, "csv", limits, threading.Event())
    [server] = _server_pids()
    _wait_until(lambda: _children(server) == [], seconds=5)


async def test_children_end_with_a_killed_extraction_server(tmp_path):
    path = _big_csv(tmp_path / "big.csv")
    extraction = asyncio.create_task(extract_in_sandbox(path, "csv", IngestLimits(), threading.Event()))
    await asyncio.to_thread(_wait_until, lambda: _server_pids() and _children(_server_pids()[0]))
    [server] = _server_pids()
    [child] = _children(server)
    os.kill(server, signal.SIGKILL)
    await asyncio.to_thread(_wait_until, lambda: not Path(f"/proc/{child}").exists(), 5)
    extraction.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await extraction
