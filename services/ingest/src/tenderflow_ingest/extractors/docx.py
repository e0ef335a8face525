"""Extracts DOCX documents in body order: one unit per paragraph, and one per table row as `Header: value` pairs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from tenderflow_ingest.error_text import described
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.extractors.csv import column_names, row_text
from tenderflow_ingest.extractors.docx_headers import running_units
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.ooxml import ContainerProblem, check_container


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """Paths are "paragraph N" (counting non-empty body paragraphs) or "table T, row R" (the header is row 1);
    running headers come first ("header N") and footers last ("footer N"), each distinct one once."""
    try:
        check_container(path, limits)
    except ContainerProblem as problem:
        raise ExtractionError(problem.code, problem.reason) from problem
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise ExtractionError("corrupt_docx", f"the document cannot be opened: {described(error)}") from error
    units = running_units(document, "header", limits.max_unit_chars)[: limits.max_units_per_document]
    warnings: list[str] = []
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            paragraphs += 1
            new = [TextUnit(text=text[: limits.max_unit_chars], path=f"paragraph {paragraphs}")]
        elif isinstance(block, Table):
            tables += 1
            new = _table_units(block, tables, limits)
        else:
            continue
        room = limits.max_units_per_document - len(units)
        units.extend(new[:room])
        if len(new) > room:
            warnings.append(f"kept the first {limits.max_units_per_document} paragraphs and table rows")
            break
    units.extend(running_units(document, "footer", limits.max_unit_chars)[: limits.max_units_per_document - len(units)])
    if not units:
        warnings.append("no text")
    return Extraction(doc_type="docx", units=units, pages=0, warnings=warnings)


def _table_units(table: Table, number: int, limits: IngestLimits) -> list[TextUnit]:
    """The first row names the columns; merged cells repeat their text, so each row reads on its own."""
    units: list[TextUnit] = []
    headers: list[str] | None = None
    for row_number, row in enumerate(table.rows):
        cells = [cell.text.strip() for cell in row.cells]
        cells = [cell if index == 0 or cell != cells[index - 1] else "" for index, cell in enumerate(cells)]
        if headers is None:
            headers = column_names(cells)
            line = "; ".join(cell for cell in cells if cell)
        else:
            line = row_text(headers, cells)
        if line:
            path = f"table {number}, row {row_number + 1}"
            units.append(TextUnit(text=line[: limits.max_unit_chars], path=path))
        if len(units) > limits.max_units_per_document:
            break
    return units
