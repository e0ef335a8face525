"""Extracts PDF text page by page with pypdf, within page and time limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.extractors.pdf_layout import choose_page_text, may_hold_split_rows
from tenderflow_ingest.limits import IngestLimits


def extract(path: Path, limits: IngestLimits, cancelled: Callable[[], bool] | None = None) -> Extraction:
    """One unit per page with text (page numbers from 1); ExtractionError for anything unreadable.

    cancelled is asked before every page, so a cancelled job stops within a page rather than a document.
    """
    started = time.monotonic()
    warnings: list[str] = []
    try:
        reader = PdfReader(str(path), strict=False)
        _open_encrypted(reader, warnings)
        page_count = len(reader.pages)
        if page_count > limits.max_pdf_pages:
            reason = f"PDF has {page_count} pages; at most {limits.max_pdf_pages} allowed"
            raise ExtractionError("too_many_pages", reason)
        units = []
        for number, page in enumerate(reader.pages, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            if time.monotonic() - started > limits.max_pdf_seconds:
                reason = (
                    f"PDF text extraction took over {limits.max_pdf_seconds:g} s (stopped at page {number})"
                )
                raise ExtractionError("pdf_timeout", reason)
            text = _page_text(page, number, warnings)[: limits.max_unit_chars]
            if text.strip():
                units.append(TextUnit(text=text, page=number))
    except (ExtractionError, Cancelled):
        raise
    except LimitReachedError as error:
        raise ExtractionError("pdf_limit_exceeded", f"PDF exceeds a decompression limit: {error}") from error
    except (FileNotDecryptedError, DependencyError) as error:
        raise ExtractionError("encrypted_pdf", f"PDF is encrypted and cannot be read: {error}") from error
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on malformed input; each is a bad file
        reason = f"PDF cannot be read: {type(error).__name__}: {error}"
        raise ExtractionError("corrupt_pdf", reason) from error
    if not units:
        warnings.append("no extractable text: the PDF may be scanned images")
    return Extraction(doc_type="pdf", units=units, pages=page_count, warnings=warnings)


def _open_encrypted(reader: PdfReader, warnings: list[str]) -> None:
    """PDFs locked only against editing open with an empty password; anything else we cannot read."""
    if not reader.is_encrypted:
        return
    if not reader.decrypt(""):
        raise ExtractionError("encrypted_pdf", "PDF is protected by a password")
    warnings.append("PDF is encrypted with an empty user password; text was extracted")


def _page_text(page: PageObject, number: int, warnings: list[str]) -> str:
    plain = page.extract_text() or ""
    if not may_hold_split_rows(plain):
        return plain
    try:
        layout = page.extract_text(extraction_mode="layout")
    except LimitReachedError:
        raise
    except Exception as error:  # noqa: BLE001 - layout mode is a refinement; plain text still stands
        warnings.append(f"page {number}: layout extraction failed ({type(error).__name__}); kept plain text")
        layout = None
    return choose_page_text(plain, layout)
