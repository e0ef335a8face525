"""Extraction in a child process with a capped address space and a hard deadline.

Parsers of untrusted documents can be made to allocate without bound or to spin inside one page. In the child, a
document that passes `max_extraction_memory` raises MemoryError, and one that passes its deadline is killed:
either way the document gets a verdict and the service keeps its memory and its time. Children fork from the
extraction server (`sandbox_server.py`), a slim process started once that has imported only the extractors and
sees none of the service's environment, so a child starts in milliseconds and hands back plain JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from tenderflow_common.telemetry import tracer
from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox_server import CONTROL_FD_ENV, deadline_seconds, decode_extraction

_POLL_SECONDS = 0.05
_READ_BYTES = 1024 * 1024
# What the extraction server may see of the service's environment: how to find Python and programs, the locale,
# and where Tesseract keeps its languages and how many threads it may use (OCR runs in the children).
_INHERITED_ENV = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "OPENBLAS_CORETYPE",
                  "OPENBLAS_L2_SIZE", "TESSDATA_PREFIX", "OMP_THREAD_LIMIT")


class _ServerGone(Exception):
    """The extraction server stopped (killed, or out of memory); a new one is started."""


class ExtractionServer:
    """One extraction server process per service process, started on first use and again if it dies."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def request(self, message: dict, answer: socket.socket | None = None) -> None:
        """Send one request (with the socket its child answers on); _ServerGone if the server has stopped."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            fds = [answer.fileno()] if answer else []
            try:
                socket.send_fds(self._control, [json.dumps(message).encode()], fds)
            except OSError as error:
                raise _ServerGone() from error

    def stop(self) -> None:
        with self._lock:
            self._close()

    def _start(self) -> None:
        self._close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {name: os.environ[name] for name in _INHERITED_ENV if name in os.environ}
        env[CONTROL_FD_ENV] = str(theirs.fileno())
        self._process = subprocess.Popen([sys.executable, "-m", "tenderflow_ingest.sandbox_server"], env=env,
                                         pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._control = ours

    def _close(self) -> None:
        if self._control is not None:
            self._control.close()  # the server sees EOF, kills its children and exits
            self._control = None
        if self._process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._process = None


_server = ExtractionServer()


def _extract_request(path: Path, doc_type: str, limits: IngestLimits) -> dict:
    """The path is absolute, since the child works in the document's folder and services spool to paths relative
    to theirs."""
    return {"op": "extract", "path": os.path.abspath(path), "doc_type": doc_type,
            "limits": dataclasses.asdict(limits)}


async def extract_in_sandbox(path: Path, doc_type: str, limits: IngestLimits,
                             cancelled: threading.Event) -> Extraction:
    """The document's extraction, or ExtractionError; Cancelled as soon as the job is cancelled."""
    request = _extract_request(path, doc_type, limits)
    with tracer(__name__).start_as_current_span(f"extract {doc_type}", attributes={"tenderflow.doc_type": doc_type}):
        try:
            return await _extract(request, limits, cancelled)
        except _ServerGone:
            await asyncio.to_thread(_server.stop)
            return await _extract(request, limits, cancelled)


async def _extract(request: dict, limits: IngestLimits, cancelled: threading.Event) -> Extraction:
    seconds = deadline_seconds(request["doc_type"], limits)
    deadline = time.monotonic() + seconds
    request = request | {"id": uuid.uuid4().hex}
    ours, theirs = socket.socketpair()
    with ours:
        ours.setblocking(False)
        with theirs:
            _server.request(request, theirs)
        reading = asyncio.ensure_future(_read_until_closed(ours))
        try:
            while not reading.done():
                if cancelled.is_set():
                    raise Cancelled()
                if time.monotonic() > deadline:
                    raise ExtractionError("extraction_timeout", f"extraction took longer than {seconds:.0f} s")
                await asyncio.wait([reading], timeout=_POLL_SECONDS)
        finally:
            if not reading.done():
                reading.cancel()
                with contextlib.suppress(_ServerGone):  # a server that has gone took its children with it
                    _server.request({"op": "kill", "id": request["id"]})
        answer = reading.result()
    return _outcome([json.loads(line) for line in answer.splitlines()])


async def _read_until_closed(answer: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    chunks = []
    while chunk := await loop.sock_recv(answer, _READ_BYTES):
        chunks.append(chunk)
    return b"".join(chunks)


def _outcome(frames: list[dict]) -> Extraction:
    """The child's result frame, or why there is none: the exit status the server reported."""
    for frame in frames:
        if "extraction" in frame:
            return decode_extraction(frame)
        if "error" in frame:
            raise ExtractionError(*frame["error"])
    if not frames:
        raise _ServerGone()
    raise ExtractionError("extraction_crashed",
                          f"the document ended its extraction process (exit code {frames[-1]['exit']})")
