"""XLSX and DOCX extraction throughput next to the bare libraries reading the same files.

    make bench-ingest                          # runs this after the package benchmark
    BENCH_OFFICE_ROWS=50000 python services/ingest/benchmarks/bench_office.py   # a quick run

The bare baselines are openpyxl in read-only mode iterating every cell value, and python-docx iterating the
paragraphs and table rows; Tenderflow adds the container checks, merged ranges, formats and `Header: value`
rendering. MB/s counts the file's bytes as stored. Median of three runs each; numbers are printed, not asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits

LIMITS = IngestLimits(max_units_per_document=10_000_000)


def main() -> None:
    rows = int(os.environ.get("BENCH_OFFICE_ROWS", "200000"))
    cache = Path(os.environ.get("BENCH_INGEST_DIR", ".run/bench")).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    workbook, document = build_xlsx(cache, rows), build_docx(cache, rows // 10)
    print(f"\n{'measurement':<22}{'seconds':>9}{'MB/s':>8}{'units/s':>11}  units")
    for name, path, run in (
        ("bare-openpyxl", workbook, bare_openpyxl),
        ("tenderflow-xlsx", workbook, lambda p: len(extract(p, "xlsx", LIMITS).units)),
        ("bare-python-docx", document, bare_python_docx),
        ("tenderflow-docx", document, lambda p: len(extract(p, "docx", LIMITS).units)),
    ):
        seconds, units = timed(run, path)
        size = path.stat().st_size / 1e6
        print(f"{name:<22}{seconds:>9.2f}{size / seconds:>8.2f}{units / seconds:>11,.0f}  {units:,}")


def timed(run: Callable[[Path], int], path: Path) -> tuple[float, int]:
    durations, units = [], 0
    for _ in range(3):
        started = time.perf_counter()
        units = run(path)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), units


def bare_openpyxl(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if any(value is not None for value in row):
                count += 1
    workbook.close()
    return count


def bare_python_docx(path: Path) -> int:
    document = docx.Document(str(path))
    count = sum(1 for paragraph in document.paragraphs if paragraph.text.strip())
    for table in document.tables:
        count += sum(1 for row in table.rows if any(cell.text.strip() for cell in row.cells))
    return count


def build_xlsx(cache: Path, rows: int) -> Path:
    """A price schedule: a title, a header, then rows of text, numbers, a date and a percentage."""
    path = cache / f"office-{rows}-rows-v2.xlsx"
    if path.exists():
        return path
    print(f"building {path} (once) ...", flush=True)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Prices")
    sheet.append(["Harbour works: price schedule"])
    sheet.append(["Item", "Description", "Unit", "Quantity", "Unit price", "Deadline", "VAT"])
    start = dt.datetime(2031, 3, 14)
    for item in range(1, rows + 1):
        sheet.append([f"{item:06d}", f"Supply and install component {item % 977}", "each", item % 50 + 1,
                      round(item * 1.37, 2), start + dt.timedelta(days=item % 90), 0.2])
    partial = path.with_suffix(".partial")
    workbook.save(partial)
    add_dimension(partial, path, f"A1:G{rows + 2}")
    partial.unlink()
    return path


def add_dimension(source: Path, target: Path, ref: str) -> None:
    """Write the used range as Excel does; openpyxl's write-only mode leaves it out, and without it a read-only
    reader parses the whole sheet once more just to size it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1)
            copy.writestr(info.filename, data)


def build_docx(cache: Path, paragraphs: int) -> Path:
    """A notice of numbered clauses, with a table of lots as long as a tenth of them."""
    path = cache / f"office-{paragraphs}-paragraphs-v1.docx"
    if path.exists():
        return path
    print(f"building {path} (once) ...", flush=True)
    document = docx.Document()
    for clause in range(1, paragraphs + 1):
        document.add_paragraph(f"{clause}. The contractor shall carry out the works described in clause {clause} "
                               "in accordance with the specification and the drawings.")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Lot", "Title", "Value"), strict=True):
        cell.text = text
    for lot in range(1, paragraphs // 10 + 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(lot), f"Works {lot}", f"{lot * 1000} EUR"
    partial = path.with_suffix(".partial")
    document.save(partial)
    partial.rename(path)
    return path


if __name__ == "__main__":
    main()
