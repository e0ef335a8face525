"""One benchmark measurement per process, so peak RSS belongs to that measurement alone.

Usage: measure.py <measurement> <path> [<work dir>]; prints one JSON object. Bare measurements are the floor
Tenderflow is compared with: what the same work costs with no limits, verdicts, spooling or provenance.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time
import zipfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytesseract
from pypdf import PdfReader

from tenderflow_ingest.archive import read_package
from tenderflow_ingest.extractors import extract, ocr
from tenderflow_ingest.extractors import pdf as pdf_extractor
from tenderflow_ingest.limits import MIB, IngestLimits

READ_BYTES = MIB


def bare_zip(archive: Path, _work: Path) -> dict:
    """zipfile reading every entry to the end (decompression and CRC), keeping nothing."""
    total = files = 0
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            with opened.open(info) as entry:
                while chunk := entry.read(READ_BYTES):
                    total += len(chunk)
            files += 1
    return {"bytes": total, "files": files}


def tenderflow_read(archive: Path, work: Path) -> dict:
    """read_package alone: verdicts, counted decompression, type detection, spooling to disk."""
    reading = read_package(archive, work, _limits_for(archive))
    return {"bytes": sum(v.size for v in reading.verdicts), "files": len(reading.files),
            "rejected": sum(1 for v in reading.verdicts if not v.accepted)}


def tenderflow_extract(archive: Path, work: Path) -> dict:
    """What the ingest pipeline does to a package: read_package, then extract every accepted document."""
    limits = _limits_for(archive)
    started = time.perf_counter()
    reading = read_package(archive, work, limits)
    read_seconds = time.perf_counter() - started
    by_type: dict[str, dict[str, float]] = defaultdict(lambda: {"bytes": 0, "seconds": 0.0, "files": 0})
    pages = failed = 0
    for spooled in reading.files:
        began = time.perf_counter()
        try:
            extraction = extract(spooled.path, spooled.doc_type, limits)
            pages += extraction.pages
        except Exception:  # noqa: BLE001 - counted and reported, the run goes on as the pipeline does
            failed += 1
        kind = by_type[spooled.doc_type]
        kind["bytes"] += spooled.size
        kind["seconds"] += time.perf_counter() - began
        kind["files"] += 1
    return {"bytes": sum(v.size for v in reading.verdicts), "files": len(reading.files), "pages": pages,
            "failed": failed, "read_seconds": read_seconds, "by_type": by_type,
            "rejected": sum(1 for v in reading.verdicts if not v.accepted)}


def bare_pdf(folder: Path, _work: Path) -> dict:
    """pypdfium2's text of every page (get_text_range), nothing else: the floor for PDF text."""
    pages = 0
    for path in sorted(folder.glob("*.pdf")):
        document = pdfium.PdfDocument(path)
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        document.close()
    return {"pages": pages, "bytes": _size(folder)}


def bare_pypdf(folder: Path, _work: Path) -> dict:
    """pypdf's plain extract_text() over every page: the library Tenderflow used before pypdfium2."""
    pages = 0
    for path in sorted(folder.glob("*.pdf")):
        for page in PdfReader(path).pages:
            page.extract_text()
            pages += 1
    return {"pages": pages, "bytes": _size(folder)}


def tenderflow_pdf(folder: Path, _work: Path) -> dict:
    """Tenderflow's PDF extractor (limits, line layout, running headers, provenance) over the same files."""
    pages = 0
    limits = _without_ocr(IngestLimits())
    for path in sorted(folder.glob("*.pdf")):
        pages += pdf_extractor.extract(path, limits).pages
    return {"pages": pages, "bytes": _size(folder)}


def bare_ocr(folder: Path, _work: Path) -> dict:
    """Every page of the scanned PDFs rendered as ingest renders it and read by Tesseract in English: the floor."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one Tesseract thread, as ingest runs it
    pages = 0
    for path in sorted(folder.glob("*.pdf")):
        document = pdfium.PdfDocument(path)
        for index in range(len(document)):
            page = document[index]
            pytesseract.image_to_string(ocr.page_image(page), lang="eng")
            page.close()
            pages += 1
        document.close()
    return {"pages": pages, "bytes": _size(folder)}


def tenderflow_ocr(folder: Path, _work: Path) -> dict:
    """Ingest's PDF extractor on the same scans, every page OCR'd (pages counted as read, with text): the first in
    every installed language to find the document's, the others in that one."""
    pages = 0
    # Limits that let every page be read however loaded the machine is: a skipped page would flatter the rate.
    limits = IngestLimits(max_ocr_pages=IngestLimits().max_pdf_pages, max_pdf_seconds=3600.0,
                          max_ocr_page_seconds=600.0)
    for path in sorted(folder.glob("*.pdf")):
        pages += len(pdf_extractor.extract(path, limits).units)
    return {"pages": pages, "bytes": _size(folder)}


def bare_csv(path: Path, _work: Path) -> dict:
    """The csv module reading every row of a UTF-8 export, keeping nothing: the floor for a streamed CSV."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = sum(1 for _ in csv.reader(stream, delimiter=";"))
    return {"bytes": path.stat().st_size, "rows": rows}


def bare_json(path: Path, _work: Path) -> dict:
    """json.load of the whole document, the usual way to read JSON: what it costs to hold it parsed."""
    with path.open("rb") as stream:
        document = json.load(stream)
    return {"bytes": path.stat().st_size, "rows": len(document.get("releases", []))}


def tenderflow_csv(path: Path, _work: Path) -> dict:
    """Ingest's CSV extractor with the production limits (the first max_units_per_document rows are kept)."""
    return _extracted(path, "csv", IngestLimits())


def tenderflow_csv_all(path: Path, _work: Path) -> dict:
    """The same, every row kept: memory then holds the units of the whole file."""
    return _extracted(path, "csv", IngestLimits(max_units_per_document=10_000_000))


def tenderflow_json(path: Path, _work: Path) -> dict:
    """Ingest's JSON extractor with the production limits."""
    return _extracted(path, "json", IngestLimits())


def tenderflow_json_all(path: Path, _work: Path) -> dict:
    """The same, every section kept."""
    return _extracted(path, "json", IngestLimits(max_units_per_document=10_000_000))


def _extracted(path: Path, doc_type: str, limits: IngestLimits) -> dict:
    extraction = extract(path, doc_type, limits)
    return {"bytes": path.stat().st_size, "rows": len(extraction.units)}


MEASUREMENTS = {f.__name__.replace("_", "-"): f for f in (
    bare_zip, tenderflow_read, tenderflow_extract, bare_pdf, bare_pypdf, tenderflow_pdf, bare_ocr, tenderflow_ocr,
    bare_csv, tenderflow_csv, tenderflow_csv_all, bare_json, tenderflow_json, tenderflow_json_all)}


def _without_ocr(limits: IngestLimits) -> IngestLimits:
    """The benchmark's scanned pages are noise: reading them would measure Tesseract, not text extraction."""
    return replace(limits, max_ocr_pages=0)


def _limits_for(archive: Path) -> IngestLimits:
    """The production limits, with room for a benchmark package bigger than the default total."""
    with zipfile.ZipFile(archive) as opened:
        total = sum(info.file_size for info in opened.infolist())
    default = IngestLimits()
    return _without_ocr(IngestLimits(max_total_uncompressed=max(default.max_total_uncompressed, int(total * 1.1))))


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.pdf"))


def _memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    name, target = sys.argv[1], Path(sys.argv[2])
    work = Path(sys.argv[3]) if len(sys.argv) > 3 else target.parent / f"work-{name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    baseline = _memory_mb("VmRSS")
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        result = MEASUREMENTS[name](target, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # CPU time as well as wall time: on a shared machine the wall clock also counts the other processes' turns.
    result.update(name=name, seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu_started,
                  baseline_rss_mb=baseline, peak_rss_mb=_memory_mb("VmHWM"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
