"""Scanned PDF pages: OCR'd with Tesseract in the document's language, cited by page; without OCR, a verdict.

The real scans come from shared/data/tenders (SOURCES.md states what they say). Each test reads a page or two,
not whole documents: a scanned page takes Tesseract several seconds.
"""

from __future__ import annotations

import io
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.extractors.ocr import detect_language
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox import extract_in_sandbox


def find_tenders_folder() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "tenders"
        if candidate.is_dir():
            return candidate
    return None


TENDERS = find_tenders_folder()
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="Tesseract is not installed (make ocr installs it)")
needs_tenders = pytest.mark.skipif(TENDERS is None, reason="shared/data/tenders is not next to this checkout")
MIB = 1024 * 1024


def scanned_copy(tmp_path: Path, relative: str) -> Path:
    """The real scan under a neutral name, so nothing but its pages can hint at what it says."""
    path = tmp_path / "document.pdf"
    shutil.copyfile(TENDERS / relative, path)
    return path


@needs_tesseract
@needs_tenders
def test_a_scanned_portuguese_notice_is_read_in_portuguese_on_its_page(tmp_path: Path) -> None:
    path = scanned_copy(tmp_path, "br/turvelandia-edital-pregao-scanned.pdf")
    started = time.monotonic()
    extraction = extract(path, "pdf", IngestLimits(max_ocr_pages=1))
    seconds = time.monotonic() - started
    [cover] = extraction.units
    assert cover.page == 1 and extraction.pages == 48
    # The cover table states the estimated value and the buyer's e-mail.
    assert "VALOR ESTIMADO: R$ 160.058,20" in cover.text
    assert "licitar@turvelandia.go.gov.br" in cover.text
    assert "TURVELANDIA/GO" in cover.text
    assert any("(Tesseract, por)" in warning for warning in extraction.warnings)
    assert any("OCR stopped after 1 page(s)" in warning for warning in extraction.warnings)
    print(f"OCR of the first page (every language, then detection): {seconds:.1f} s")


@needs_tesseract
@needs_tenders
def test_a_scanned_english_notice_is_read_page_by_page(tmp_path: Path) -> None:
    path = scanned_copy(tmp_path, "in/tawang-nit-scanned.pdf")
    extraction = extract(path, "pdf", IngestLimits(max_ocr_pages=2))
    first, second = extraction.units
    assert (first.page, second.page) == (1, 2)
    # The notice's memo number heads page 1; the terms and conditions follow on page 2.
    assert "Memo No. TPR/DPRC/2024-25/01" in first.text
    assert "Notice Inviting Tender" in first.text
    assert "TERMS AND CONDITIONS" in second.text and "TERMS AND CONDITIONS" not in first.text
    assert "Joint ventures are not acceptable" in second.text
    assert any("(Tesseract, eng)" in warning for warning in extraction.warnings)


def text_image(lines: list[str], height: int = 600) -> bytes:
    """A PNG of the lines in black on white, as a scanner would give them."""
    image = Image.new("L", (1240, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=40)
    for number, line in enumerate(lines):
        draw.text((60, 60 + 70 * number), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def image_pdf(lines: list[str], pages: int = 1) -> bytes:
    """A PDF whose pages hold only a picture of the lines: scans without a text layer."""
    image = text_image(lines)
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(image), x=0, y=0, w=210)
    return bytes(pdf.output())


@needs_tesseract
async def test_ocr_runs_inside_the_extraction_sandbox_under_its_memory_cap(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf(["Invitation to tender", "The deadline is 14 March 2026"]))
    limits = replace(IngestLimits(), max_ocr_pages=1, max_extraction_memory=512 * MIB)
    extraction = await extract_in_sandbox(path, "pdf", limits, threading.Event())
    [unit] = extraction.units
    assert unit.page == 1
    assert "deadline is 14 March 2026" in unit.text


def test_with_ocr_switched_off_a_scan_gets_the_no_text_layer_verdict(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf(["Invitation to tender"]))
    with pytest.raises(ExtractionError) as refused:
        extract(path, "pdf", IngestLimits(max_ocr_pages=0))
    assert refused.value.code == "no_text_layer"
    assert "OCR is switched off" in refused.value.reason


def test_without_tesseract_a_scan_gets_the_no_text_layer_verdict(tmp_path: Path, monkeypatch) -> None:
    from tenderflow_ingest.extractors import ocr

    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract program on it
    ocr.installed_languages.cache_clear()
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf(["Invitation to tender"]))
    try:
        with pytest.raises(ExtractionError) as refused:
            extract(path, "pdf", IngestLimits())
    finally:
        ocr.installed_languages.cache_clear()
    assert refused.value.code == "no_text_layer"
    assert refused.value.reason.endswith("; OCR is unavailable (Tesseract is not available)")


def test_the_language_comes_from_common_words() -> None:
    languages = ("eng", "por", "spa", "rus")
    assert detect_language(["O edital da licitação e seus anexos, pela prefeitura"], languages) == "por"
    assert detect_language(["El pliego de la contratación y los anexos del contrato"], languages) == "spa"
    assert detect_language(["Документация для закупки и условия по лоту"], languages) == "rus"
    assert detect_language(["The tender shall be submitted with the form"], languages) == "eng"
    assert detect_language(["12345 67"], languages) is None


@needs_tesseract
def test_ocr_stops_ahead_of_the_pdf_deadline_and_keeps_the_pages_it_read(tmp_path: Path) -> None:
    path = tmp_path / "scans.pdf"
    path.write_bytes(image_pdf(["Section of the conditions of contract"], pages=30))
    started = time.monotonic()
    extraction = extract(path, "pdf", IngestLimits(max_pdf_seconds=6, max_ocr_pages=30))
    assert time.monotonic() - started < 6
    assert extraction.units and len(extraction.units) < 30
    assert any("the PDF's time limit was reached" in warning for warning in extraction.warnings)
