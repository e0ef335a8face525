"""Extracts PDF text page by page with pdfium (pypdfium2), OCRs pages without a text layer, within limits."""

from __future__ import annotations

import ctypes
import re
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from tenderflow_ingest.archive import Cancelled
from tenderflow_ingest.error_text import described
from tenderflow_ingest.extractors import ocr, pdf_forms
from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.extractors.pdf_layout import Box, page_lines
from tenderflow_ingest.extractors.pdf_margins import strip_margins
from tenderflow_ingest.limits import IngestLimits

_OCR_RESERVE_SECONDS = 5.0
_OCR_MIN_PAGE_SECONDS = 1.0
# A line's text from its first to its last visible character.
_LINE = re.compile(r"[^\s](?:[^\r\n]*[^\s])?")
_new_box = tuple.__new__


def extract(path: Path, limits: IngestLimits, cancelled: Callable[[], bool] | None = None) -> Extraction:
    """One unit per page with text (page numbers from 1); ExtractionError for anything unreadable.

    cancelled is asked before every page, so a cancelled job stops within a page rather than a document. Running
    headers, footers and page numbers are kept out of the units (pdf_margins). Pages without a text layer are
    OCR'd (at most max_ocr_pages of them); a PDF that yields no text at all is rejected with no_text_layer.
    """
    run = _Run(limits, cancelled)
    document = _open(path, run.warnings)
    form = pdf_forms.DocumentForm(document, limits)
    try:
        page_count = len(document)
        if page_count > limits.max_pdf_pages:
            reason = f"PDF has {page_count} pages; at most {limits.max_pdf_pages} allowed"
            raise ExtractionError("too_many_pages", reason)
        pages: list[list[str]] = []
        scanned: list[int] = []
        for index in range(page_count):
            lines, has_images = run.page_text(document, index, form)
            pages.append(lines)
            if not lines and has_images:
                scanned.append(index)
        ocr_note = run.ocr_pages(document, pages, scanned) if scanned else ""
        fields = form.page_fields(run.warnings)
    except (ExtractionError, Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 - pdfium raises on malformed input; each is a bad file
        reason = f"PDF cannot be read: {type(error).__name__}: {described(error)}"
        raise ExtractionError("corrupt_pdf", reason) from error
    finally:
        form.close()
        document.close()
    units = [
        TextUnit(text="\n".join(lines)[: limits.max_unit_chars], page=number)
        for number, lines in enumerate(pdf_forms.with_fields(strip_margins(pages), fields), start=1)
        if "".join(lines).strip()
    ]
    if not units:
        raise ExtractionError("no_text_layer", f"PDF has no text layer{ocr_note or ' and no page images to OCR'}")
    return Extraction(doc_type="pdf", units=units, pages=page_count, warnings=run.warnings, ocr_pages=run.ocr_read)


def _open(path: Path, warnings: list[str]) -> pdfium.PdfDocument:
    """PDFs locked only against editing open with an empty password; anything else we cannot read."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ExtractionError("encrypted_pdf", "PDF is protected by a password") from error
        raise ExtractionError("corrupt_pdf", f"PDF cannot be read: {described(error)}") from error
    except Exception as error:  # noqa: BLE001
        raise ExtractionError("corrupt_pdf",
                              f"PDF cannot be read: {type(error).__name__}: {described(error)}") from error
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        warnings.append("PDF is encrypted with an empty user password; text was extracted")
    return document


def _line_boxes(textpage: pdfium.PdfTextPage) -> list[Box]:
    """pdfium's lines (its text in content order, broken where the baseline moves), each with its extent.

    Boxes are placed by a line's first character only, so a page costs one lookup per line, not one per
    character (the last character is looked up when page_lines needs a right edge); page_lines then puts lines
    that share a baseline side by side.
    """
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: indexes no longer match, keep pdfium's own lines
        return [Box(0, -number, 0, -number + 1, line) for number, line in enumerate(text.splitlines()) if line.strip()]
    boxes = []
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    into_rect = ctypes.byref(rect)
    # Called directly, once per line: the extractor's hottest call. The loose box spans the font's ascent and
    # descent, so every character of a line has the same height, whatever its glyph.
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    append = boxes.append
    # Boxes are built as plain tuples of Box's fields (Box(...) adds a Python call per line), and the common
    # case's loop is written out here rather than drawn from a generator, which costs a resume per line.
    raw_lines = text.split("\r\n")
    breaks = len(raw_lines) - 1
    if text.count("\n") != breaks or text.count("\r") != breaks:
        # A line break of its own inside the text: only a pattern finds every line.
        for match in _LINE.finditer(text):
            start, line = match.start(), match.group()
            loose_box(raw, start, into_rect)
            append(_new_box(Box, (rect.left, rect.bottom, None, rect.top, line, start + len(line) - 1)))
        return boxes
    # pdfium ends every line with CRLF: splitting on it is a fifth faster than the pattern, per line.
    line_start = 0
    for raw_line in raw_lines:
        line = raw_line.strip()
        if line:
            # strip() hands back the line itself when it had nothing to trim: no search for where it starts.
            start = line_start if line is raw_line else line_start + raw_line.find(line)
            loose_box(raw, start, into_rect)
            append(_new_box(Box, (rect.left, rect.bottom, None, rect.top, line, start + len(line) - 1)))
        line_start += len(raw_line) + 2
    return boxes


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


class _Run:
    """One document's extraction: its clock, cancellation and warnings."""

    def __init__(self, limits: IngestLimits, cancelled: Callable[[], bool] | None) -> None:
        self.limits = limits
        self.cancelled = cancelled
        self.started = time.monotonic()
        self.warnings: list[str] = []
        self.ocr_read = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, number: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
        if self.elapsed() > self.limits.max_pdf_seconds:
            reason = f"PDF text extraction took over {self.limits.max_pdf_seconds:g} s (stopped at page {number})"
            raise ExtractionError("pdf_timeout", reason)

    def page_text(self, document: pdfium.PdfDocument, index: int,
                  form: pdf_forms.DocumentForm) -> tuple[list[str], bool]:
        """The page's lines, and, when it has none, whether it has images to OCR; its form fields go to form.

        The images and the fields are read while the page is loaded, as loading it again would cost more.
        """
        self.check(index + 1)
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                lines = page_lines(_line_boxes(textpage), lambda box: textpage.get_charbox(box.end)[2])
            finally:
                textpage.close()
            has_images = not lines and _has_images(page)
            form.read(page, index, self.check)
            return lines, has_images
        finally:
            page.close()

    def ocr_pages(self, document: pdfium.PdfDocument, pages: list[list[str]], scanned: list[int]) -> str:
        """OCR the scanned pages into pages; what the no_text_layer reason should add if nothing came of it."""
        if self.limits.max_ocr_pages == 0:
            self.warnings.append(f"{len(scanned)} page(s) without a text layer were not OCR'd: OCR is switched off")
            return "; OCR is switched off (max_ocr_pages is 0)"
        try:
            languages = ocr.installed_languages()
        except ocr.OcrUnavailable as error:
            self.warnings.append(f"{len(scanned)} page(s) without a text layer were not OCR'd: {error}")
            return f"; OCR is unavailable ({error})"
        language = ocr.detect_language(("\n".join(lines) for lines in pages), languages)
        read = 0
        for index in scanned:
            number = index + 1
            if read >= self.limits.max_ocr_pages:
                self.warnings.append(f"OCR stopped after {read} page(s) (max_ocr_pages); from page {number} on, "
                                     "pages without a text layer were not read")
                break
            self.check(number)
            # The service's deadline for the whole PDF counts from before this process started: OCR ends a little
            # ahead of it, so the pages read so far come back instead of an extraction_timeout.
            reserve = min(_OCR_RESERVE_SECONDS, 0.1 * self.limits.max_pdf_seconds)
            remaining = self.limits.max_pdf_seconds - reserve - self.elapsed()
            seconds = min(self.limits.max_ocr_page_seconds, remaining)
            if seconds < _OCR_MIN_PAGE_SECONDS:
                self.warnings.append(f"OCR stopped at page {number}: the PDF's time limit was reached")
                break
            page = document[index]
            try:
                image = ocr.page_image(page)
            finally:
                page.close()
            try:
                text = ocr.read_image(image, language or "+".join(languages), seconds)
            except TimeoutError:
                self.warnings.append(f"page {number}: OCR took over {seconds:.0f} s; page skipped")
                continue
            except RuntimeError as error:
                self.warnings.append(f"page {number}: {error}; page skipped")
                continue
            finally:
                read += 1
            pages[index] = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
            if language is None:
                language = ocr.detect_language(["\n".join(pages[index])], languages)
        used = language or "+".join(languages)
        self.ocr_read = read
        self.warnings.append(f"{read} page(s) without a text layer OCR'd (Tesseract, {used})")
        return f"; OCR ({used}) read no text on {read} page(s)"
