"""The extraction server: a slim process that has imported the extractors once and forks a child per document.

`sandbox.py` starts it with `python -m tenderflow_ingest.sandbox_server` and a scrubbed environment, so neither the
server nor its children import the service (FastAPI, SQLAlchemy, the CLI) or see its secrets, and a child costs a
fork, not a program start. Requests come over one SOCK_SEQPACKET control socket: an `extract` request carries an id
and the socket its child answers on; a `kill` request names an id whose child is still running. A child caps its
address space and CPU time, may write only in its document's folder (`confinement.py`), extracts, and writes its
result (an extraction or an error) as one line of JSON, never a pickle. When a child ends, the server adds a frame
with its exit status, so a child that died without a result still gives a reason.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import selectors
import signal
import socket
import sys
from dataclasses import asdict
from pathlib import Path

from tenderflow_ingest.confinement import confine_writes
from tenderflow_ingest.extractors import Extraction, ExtractionError, TextUnit, extract
from tenderflow_ingest.limits import IngestLimits

CONTROL_FD_ENV = "TENDERFLOW_SANDBOX_CONTROL_FD"
MAX_REQUEST_BYTES = 64 * 1024
# CPU time a child may use beyond its deadline before the kernel stops it, should the service not be there to.
CPU_GRACE_SECONDS = 5
_PR_SET_PDEATHSIG = 1


def encode_extraction(extraction: Extraction) -> dict:
    return {"extraction": {"doc_type": extraction.doc_type, "pages": extraction.pages,
                           "warnings": extraction.warnings, "language": extraction.language,
                           "ocr_pages": extraction.ocr_pages,
                           "units": [asdict(unit) for unit in extraction.units]}}


def decode_extraction(frame: dict) -> Extraction:
    data = frame["extraction"]
    return Extraction(doc_type=data["doc_type"], pages=data["pages"], warnings=data["warnings"],
                      language=data.get("language"), ocr_pages=data["ocr_pages"],
                      units=[TextUnit(**unit) for unit in data["units"]])


def deadline_seconds(doc_type: str, limits: IngestLimits) -> float:
    return limits.max_pdf_seconds if doc_type == "pdf" else limits.max_extraction_seconds


def _outcome(request: dict) -> dict:
    """Extract under the request's limits; every failure becomes an error frame."""
    limits = IngestLimits(**request["limits"])
    cpu_seconds = int(deadline_seconds(request["doc_type"], limits)) + CPU_GRACE_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_extraction_memory, limits.max_extraction_memory))
    confine_writes(Path(request["path"]).parent)
    try:
        return encode_extraction(extract(Path(request["path"]), request["doc_type"], limits))
    except ExtractionError as error:
        return {"error": [error.code, error.reason]}
    except MemoryError:
        return {"error": ["memory_limit",
                          f"extraction needed more than {limits.max_extraction_memory} bytes of memory"]}


def _child(answer: socket.socket, request: dict) -> None:
    outcome = _outcome(request)
    try:
        frame = json.dumps(outcome).encode() + b"\n"
    except MemoryError:
        frame = json.dumps({"error": ["memory_limit", "the extraction was too large to hand back"]}).encode() + b"\n"
    answer.sendall(frame)


def _die_with(server_pid: int) -> None:
    """Have the kernel kill this child when the server ends, however it ends (prctl PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server_pid:  # the server ended before the request took effect
        os._exit(0)


class _Server:
    """Forks a child per request, reaps children, and reports each one's exit status on its answer socket."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.answers: dict[int, socket.socket] = {}
        self.pids: dict[str, int] = {}
        self.wakeup_read, wakeup_write = os.pipe()
        os.set_blocking(wakeup_write, False)
        signal.set_wakeup_fd(wakeup_write)
        # A handler (not SIG_IGN) so children stay waitable; the wakeup fd is what wakes the loop.
        signal.signal(signal.SIGCHLD, lambda *_: None)

    def serve(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.control, selectors.EVENT_READ)
        selector.register(self.wakeup_read, selectors.EVENT_READ)
        while True:
            for key, _ in selector.select():
                if key.fileobj is self.control and not self._handle_request():
                    self._stop()
                    return
                if key.fileobj == self.wakeup_read:
                    os.read(self.wakeup_read, 4096)
            self._reap()

    def _handle_request(self) -> bool:
        """Act on one request; False once the service has gone away."""
        message, fds, _, _ = socket.recv_fds(self.control, MAX_REQUEST_BYTES, 1)
        if not message:
            return False
        request = json.loads(message)
        if request["op"] == "kill":
            # Only a child not yet reaped is in pids, so its pid cannot have been reused.
            if request["id"] in self.pids:
                os.kill(self.pids[request["id"]], signal.SIGKILL)
            return True
        answer = socket.socket(fileno=fds[0])
        server_pid = os.getpid()
        pid = os.fork()
        if pid == 0:
            self._become_child(answer, request, server_pid)
        self.answers[pid] = answer
        self.pids[request["id"]] = pid
        return True

    def _become_child(self, answer: socket.socket, request: dict, server_pid: int) -> None:
        status = 0
        try:
            _die_with(server_pid)
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            # Other requests' answer sockets must close when their own child ends, not when this one does.
            for other in (self.control, *self.answers.values()):
                other.close()
            _child(answer, request)
        except BaseException:
            status = 70
        finally:
            os._exit(status)

    def _reap(self) -> None:
        while self.answers:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            request_id = next(request_id for request_id, child in self.pids.items() if child == pid)
            del self.pids[request_id]
            with self.answers.pop(pid) as answer, contextlib.suppress(OSError):
                # OSError: the service stopped waiting for this child (cancelled, or past its deadline).
                answer.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")

    def _stop(self) -> None:
        for pid in self.answers:
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    control = socket.socket(fileno=int(os.environ[CONTROL_FD_ENV]))
    _Server(control).serve()


if __name__ == "__main__":
    sys.exit(main())
