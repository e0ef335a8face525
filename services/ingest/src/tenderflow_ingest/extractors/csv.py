"""Extracts CSV exports one data row at a time, as `Header: value` pairs that stay readable out of context."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tenderflow_ingest.csv_dialect import sniff_delimiter
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_decoding import decode_text


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """One unit per non-empty data row, numbered from 1 after the header; cell values are kept verbatim."""
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        raise ExtractionError("corrupt_csv", "CSV file is not readable text")
    warnings = decoded.warnings()
    text = decoded.text.lstrip("\ufeff")
    delimiter = sniff_delimiter(text) or ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    units: list[TextUnit] = []
    try:
        headers = column_names(next(reader, []))
        for row_number, row in enumerate(reader, start=1):
            line = row_text(headers, row)
            if not line:
                continue
            if len(units) >= limits.max_units_per_document:
                warnings.append(f"kept the first {limits.max_units_per_document} rows")
                break
            units.append(TextUnit(text=line[: limits.max_unit_chars], row=row_number))
    except csv.Error as error:
        reason = f"CSV cannot be parsed at line {reader.line_num}: {error}"
        raise ExtractionError("corrupt_csv", reason) from error
    if not units:
        warnings.append("no data rows")
    return Extraction(doc_type="csv", units=units, pages=0, warnings=warnings)


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
