"""The pages Tesseract read are a field of the extraction, carried out of the sandbox's child, and the OCR page
metric counts that field, never a number read back out of a warning's words."""

from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image
from prometheus_client import REGISTRY

from tenderflow_ingest import extraction_metrics
from tenderflow_ingest.extractors import Extraction, TextUnit, extract
from tenderflow_ingest.extractors import pdf as pdf_extractor
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.sandbox_server import decode_extraction, encode_extraction


def ocr_counted() -> float:
    return REGISTRY.get_sample_value("tenderflow_ocr_pages_total") or 0.0


@pytest.fixture
def scanned_pdf(tmp_path: Path) -> Path:
    """Three pages that are only an image each, as a scanner makes them."""
    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(image)
    document = FPDF()
    for _ in range(3):
        document.add_page()
        document.image(str(image), x=10, y=10, w=100)
    path = tmp_path / "scanned.pdf"
    document.output(str(path))
    return path


@pytest.fixture
def fake_tesseract(monkeypatch):
    """Tesseract's answers without Tesseract: every page reads as one line of text."""
    monkeypatch.setattr(pdf_extractor.ocr, "installed_languages", lambda: ("eng",))
    monkeypatch.setattr(pdf_extractor.ocr, "detect_language", lambda texts, languages: "eng")
    monkeypatch.setattr(pdf_extractor.ocr, "page_image", lambda page: None)
    monkeypatch.setattr(pdf_extractor.ocr, "read_image", lambda image, language, seconds: "words on a scan")


def test_a_scanned_pdf_reports_the_pages_ocr_read_within_the_limit(scanned_pdf, fake_tesseract):
    extraction = extract(scanned_pdf, "pdf", IngestLimits(max_ocr_pages=2))
    assert (extraction.pages, extraction.ocr_pages) == (3, 2)
    assert [unit.page for unit in extraction.units] == [1, 2]


def test_the_ocr_page_count_survives_the_sandbox_frame(scanned_pdf, fake_tesseract):
    extraction = extract(scanned_pdf, "pdf", IngestLimits())
    assert decode_extraction(encode_extraction(extraction)).ocr_pages == extraction.ocr_pages == 3


def test_the_metric_counts_the_field_and_ignores_warning_words():
    before = ocr_counted()
    units = [TextUnit(text="text", page=1)]
    extraction_metrics.count_extracted(Extraction(doc_type="pdf", units=units, pages=4, ocr_pages=3))
    assert ocr_counted() == before + 3
    extraction_metrics.count_extracted(Extraction(
        doc_type="pdf", units=units, pages=9, warnings=["7 page(s) without a text layer OCR'd (Tesseract, eng)"]))
    assert ocr_counted() == before + 3
