"""Text extraction per document type, each returning units with the provenance citations need."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

from tenderflow_ingest.extractors import csv, docx, json, pdf, text, xlsx, xml
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.language import detect_language
from tenderflow_ingest.limits import IngestLimits

_FIELD_PATH_TYPES = frozenset({"json", "xml"})
_EXTRACTORS: dict[str, Callable[[Path, IngestLimits], Extraction]] = {
    "json": json.extract,
    "csv": csv.extract,
    "xml": xml.extract,
    "xlsx": xlsx.extract,
    "docx": docx.extract,
    "text": text.extract,
}


def extract(
    path: Path, doc_type: str, limits: IngestLimits, cancelled: Callable[[], bool] | None = None
) -> Extraction:
    """Extract a document whose type detect_type already established from its content, and tell its language.

    Only PDFs take long enough (up to max_pdf_seconds) to be worth stopping midway; only they ask cancelled.
    """
    if doc_type == "pdf":
        extraction = pdf.extract(path, limits, cancelled)
    else:
        extractor = _EXTRACTORS.get(doc_type)
        if extractor is None:
            raise ExtractionError("unsupported_type", f"no extractor for document type {doc_type!r}")
        extraction = extractor(path, limits)
    return dataclasses.replace(extraction, language=detect_language(_running_text(extraction)))


def _running_text(extraction: Extraction) -> Iterator[str]:
    """The units' text; JSON and XML lines lose their "path: " part, whose field names are not the document's
    words (OCDS names are English whatever the tender's language)."""
    for unit in extraction.units:
        if extraction.doc_type in _FIELD_PATH_TYPES:
            yield "\n".join(line.partition(": ")[2] for line in unit.text.splitlines())
        else:
            yield unit.text


__all__ = ["Extraction", "ExtractionError", "TextUnit", "extract"]
