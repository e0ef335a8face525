"""Extracts CSV exports one data row at a time, as `Header: value` pairs that stay readable out of context."""

from __future__ import annotations

import csv
from pathlib import Path

from tenderflow_ingest.csv_dialect import sniff_delimiter
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_stream import TextFile, open_text

# The delimiter is sniffed on the first lines (csv_dialect reads 50); this much text holds them in any export.
_SNIFF_CHARS = 64 * 1024


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """One unit per non-empty data row, numbered from 1 after the header; cell values are kept verbatim.

    The file is read as a stream, so memory holds the units and not the file.
    """
    text_file = open_text(path)
    if text_file is None:
        raise ExtractionError("corrupt_csv", "CSV file is not readable text")
    delimiter = _sniffed_delimiter(text_file)
    units: list[TextUnit] = []
    notes: list[str] = []
    with text_file.text() as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            headers = column_names(next(reader, []))
            for row_number, row in enumerate(reader, start=1):
                line = row_text(headers, row)
                if not line:
                    continue
                if len(units) >= limits.max_units_per_document:
                    notes.append(f"kept the first {limits.max_units_per_document} rows")
                    break
                units.append(TextUnit(text=line[: limits.max_unit_chars], row=row_number))
        except csv.Error as error:
            reason = f"CSV cannot be parsed at line {reader.line_num}: {error}"
            raise ExtractionError("corrupt_csv", reason) from error
    if not units:
        notes.append("no data rows")
    return Extraction(doc_type="csv", units=units, pages=0, warnings=text_file.warnings() + notes)


def _sniffed_delimiter(text_file: TextFile) -> str:
    with text_file.text() as stream:
        head = stream.read(_SNIFF_CHARS)
        if stream.read(1):  # the last line may be cut short: leave it out
            head = head[: max(head.rfind("\n"), head.rfind("\r"), 0)]
    return sniff_delimiter(head) or ","


def column_names(header: list[str]) -> list[str]:
    """Header cells, named by position when blank and made unique when repeated."""
    names: list[str] = []
    for index, cell in enumerate(header, start=1):
        name = cell.strip() or f"column {index}"
        if name in names:
            name = f"{name} ({index})"
        names.append(name)
    return names


def row_text(headers: list[str], row: list[str]) -> str:
    """`Header: value; Header2: value2` for the non-empty cells; extra cells are named by position."""
    pairs = []
    for index, cell in enumerate(row):
        value = cell.strip()
        if value:
            name = headers[index] if index < len(headers) else f"column {index + 1}"
            pairs.append(f"{name}: {value}")
    return "; ".join(pairs)
