"""Text extraction per document type, each returning units with the provenance citations need."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tenderflow_ingest.extractors import csv, json, pdf, xml
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits

_EXTRACTORS: dict[str, Callable[[Path, IngestLimits], Extraction]] = {
    "pdf": pdf.extract,
    "json": json.extract,
    "csv": csv.extract,
    "xml": xml.extract,
}


def extract(path: Path, doc_type: str, limits: IngestLimits) -> Extraction:
    """Extract a document whose type detect_type already established from its content."""
    extractor = _EXTRACTORS.get(doc_type)
    if extractor is None:
        raise ExtractionError("unsupported_type", f"no extractor for document type {doc_type!r}")
    return extractor(path, limits)


__all__ = ["Extraction", "ExtractionError", "TextUnit", "extract"]
