"""Extraction in a child process with a capped address space and a hard deadline.

Parsers of untrusted documents can be made to allocate without bound or to spin inside one page. In the child, a
document that passes `max_extraction_memory` raises MemoryError, and one that passes its deadline is killed with
its child: either way the document gets a verdict and the service keeps its memory and its time. Children fork
from a server that has already imported the extractors, so starting one costs milliseconds.
"""

import asyncio
import functools
import multiprocessing
import resource
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path

from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.limits import IngestLimits

_POLL_SECONDS = 0.05


@functools.cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tenderflow_ingest.extractors"])
    return context


def _child(connection: Connection, path: str, doc_type: str, limits: IngestLimits) -> None:
    """Cap the address space, extract, send back the extraction or (code, reason)."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_extraction_memory, limits.max_extraction_memory))
    try:
        outcome: Extraction | tuple[str, str] = extract(Path(path), doc_type, limits)
    except ExtractionError as error:
        outcome = (error.code, error.reason)
    except MemoryError:
        outcome = ("memory_limit", f"extraction needed more than {limits.max_extraction_memory} bytes of memory")
    connection.send(outcome)
    connection.close()


async def extract_in_sandbox(path: Path, doc_type: str, limits: IngestLimits,
                             cancelled: threading.Event) -> Extraction:
    """The document's extraction, or ExtractionError; Cancelled as soon as the job is cancelled."""
    seconds = limits.max_pdf_seconds if doc_type == "pdf" else limits.max_extraction_seconds
    deadline = time.monotonic() + seconds
    receiver, sender = _context().Pipe(duplex=False)
    process = _context().Process(target=_child, args=(sender, str(path), doc_type, limits), daemon=True)
    process.start()
    sender.close()
    try:
        while not receiver.poll():
            if cancelled.is_set():
                raise Cancelled()
            if time.monotonic() > deadline:
                raise ExtractionError("extraction_timeout", f"extraction took longer than {seconds:.0f} s")
            await asyncio.sleep(_POLL_SECONDS)
        try:
            outcome = await asyncio.to_thread(receiver.recv)
        except EOFError:
            outcome = None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        await asyncio.to_thread(process.join)
    if outcome is None:
        raise ExtractionError("extraction_crashed",
                              f"the document ended its extraction process (exit code {process.exitcode})")
    if isinstance(outcome, tuple):
        raise ExtractionError(*outcome)
    return outcome
