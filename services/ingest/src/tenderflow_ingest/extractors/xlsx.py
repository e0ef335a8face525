"""Extracts XLSX workbooks one sheet row at a time, as `Header: value` pairs like the CSV extractor.

Every sheet is read, hidden ones too (a buyer's hidden sheet still holds what the buyer published); a warning
names them. Formulas give the value Excel last computed and saved; numbers and dates follow the cell's format
where it is a common one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from tenderflow_ingest.error_text import described
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.extractors.csv import column_names
from tenderflow_ingest.extractors.xlsx_cells import render_cell
from tenderflow_ingest.extractors.xlsx_merges import MergedRange, merged_ranges
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.ooxml import ContainerProblem, check_container

# A header names columns: at least two cells, most of them words rather than numbers or dates.
_MIN_HEADER_CELLS = 2
_MIN_HEADER_TEXT_SHARE = 0.5


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """One unit per non-empty row: path is the sheet's name, row its row number in the sheet."""
    try:
        check_container(path, limits)
    except ContainerProblem as problem:
        raise ExtractionError(problem.code, problem.reason) from problem
    units: list[TextUnit] = []
    warnings: list[str] = []
    # A file object, not the path: openpyxl refuses paths by their extension, and spooled entries have none.
    with path.open("rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
            raise ExtractionError("corrupt_xlsx", f"the workbook cannot be opened: {described(error)}") from error
        try:
            sheets = len(workbook.worksheets)
            for sheet in workbook.worksheets:
                if sheet.sheet_state != "visible":
                    warnings.append(f"sheet {sheet.title!r} is {sheet.sheet_state}; its rows are included")
                if not _extract_sheet(sheet, limits, units, warnings):
                    warnings.append(f"kept the first {limits.max_units_per_document} rows")
                    break
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
            raise ExtractionError("corrupt_xlsx", f"the workbook cannot be read: {described(error)}") from error
        finally:
            workbook.close()
    if not units:
        warnings.append("no rows with values")
    return Extraction(doc_type="xlsx", units=units, pages=sheets, warnings=warnings)


def _extract_sheet(sheet: Any, limits: IngestLimits, units: list[TextUnit], warnings: list[str]) -> bool:
    """Append the sheet's rows; False once the document's unit limit is reached."""
    merges, cut = merged_ranges(sheet.parent._archive, sheet._worksheet_path, limits.max_units_per_document)
    if cut:
        warnings.append(f"sheet {sheet.title!r}: kept the first {len(merges)} merged ranges")
    headers: list[str | None] | None = None
    merged_values: dict[MergedRange, str] = {}
    for row in sheet.iter_rows():
        cells = [cell for cell in row if getattr(cell, "value", None) is not None]
        if not cells:
            continue
        values = _row_values(cells)
        row_number = cells[0].row
        _fill_merged(values, row_number, merges, merged_values)
        if not any(value.strip() for value in values):
            continue
        if headers is None and _looks_like_header([cell.value for cell in cells]):
            headers = _header_names(values, row_number, merges)
            line = "; ".join(value for value in values if value.strip())
        elif headers is None:
            line = "; ".join(dict.fromkeys(value for value in values if value.strip()))
        else:
            line = _pairs(headers, values)
        if not line:
            continue
        if len(units) >= limits.max_units_per_document:
            return False
        units.append(TextUnit(text=line[: limits.max_unit_chars], path=sheet.title, row=row_number))
    return True


def _row_values(cells: list[Any]) -> list[str]:
    values = [""] * max(cell.column for cell in cells)
    for cell in cells:
        values[cell.column - 1] = render_cell(cell.value, getattr(cell, "number_format", "General"))
    return values


def _fill_merged(
    values: list[str], row_number: int, merges: list[MergedRange], merged_values: dict[MergedRange, str]
) -> None:
    """A vertically merged cell's value belongs to every row it spans; the sheet stores it in the first only."""
    for merge in merges:
        if not merge.first_row <= row_number <= merge.last_row:
            continue
        if row_number == merge.first_row:
            if merge.first_column < len(values):
                merged_values[merge] = values[merge.first_column]
        elif merge in merged_values:
            while len(values) <= merge.first_column:
                values.append("")
            if not values[merge.first_column]:
                values[merge.first_column] = merged_values[merge]


def _header_names(values: list[str], row_number: int, merges: list[MergedRange]) -> list[str | None]:
    """Column names; a column inside a header cell merged across columns is None, continuing its neighbour."""
    continued = set()
    for merge in merges:
        if merge.first_row <= row_number <= merge.last_row:
            continued.update(range(merge.first_column + 1, merge.last_column + 1))
    names = column_names(values)
    return [None if index in continued else name for index, name in enumerate(names)]


def _pairs(headers: list[str | None], values: list[str]) -> str:
    """`Header: value; ...`, joining the values of columns under one merged header with a space."""
    pairs: list[list[str]] = []
    last_name: str | None = None
    for index, raw in enumerate(values):
        value = raw.strip()
        name = headers[index] if index < len(headers) else f"column {index + 1}"
        if name is None:
            name = last_name
        else:
            last_name = name
        if not value:
            continue
        if pairs and pairs[-1][0] == name and name is not None:
            pairs[-1].append(value)
        else:
            pairs.append([name or f"column {index + 1}", value])
    return "; ".join(f"{pair[0]}: {' '.join(pair[1:])}" for pair in pairs)


def _looks_like_header(values: list[Any]) -> bool:
    texts = sum(1 for value in values if isinstance(value, str) and not value.startswith("="))
    return len(values) >= _MIN_HEADER_CELLS and texts >= _MIN_HEADER_TEXT_SHARE * len(values)
