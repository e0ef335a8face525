"""Text extraction per document type, each returning units with the provenance citations need."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tenderflow_ingest.extractors import csv, docx, json, pdf, text, xlsx, xml
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits

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
    """Extract a document whose type detect_type already established from its content.

    Only PDFs take long enough (up to max_pdf_seconds) to be worth stopping midway; only they ask cancelled.
    """
    if doc_type == "pdf":
        return pdf.extract(path, limits, cancelled)
    extractor = _EXTRACTORS.get(doc_type)
    if extractor is None:
        raise ExtractionError("unsupported_type", f"no extractor for document type {doc_type!r}")
    return extractor(path, limits)


__all__ = ["Extraction", "ExtractionError", "TextUnit", "extract"]
