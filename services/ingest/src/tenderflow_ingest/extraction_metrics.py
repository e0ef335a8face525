"""Documents, pages and OCR'd pages extracted, counted in the service (extraction itself runs in child processes,
whose counters no scrape would see)."""

from prometheus_client import Counter

from tenderflow_ingest.extractors.base import Extraction

documents = Counter("tenderflow_documents_extracted_total", "Documents taken through extraction, by type and outcome "
                    "('extracted' or the stable code it was refused with)", ["doc_type", "outcome"])
pages = Counter("tenderflow_pages_extracted_total", "Pages of extracted documents, by type", ["doc_type"])
ocr_pages = Counter("tenderflow_ocr_pages_total", "Scanned PDF pages read with Tesseract")


def count_extracted(extraction: Extraction) -> None:
    """One document that yielded text: its pages, and those of them Tesseract read."""
    documents.labels(extraction.doc_type, "extracted").inc()
    pages.labels(extraction.doc_type).inc(extraction.pages)
    ocr_pages.inc(extraction.ocr_pages)


def count_refused(doc_type: str, code: str) -> None:
    """One document extraction refused, by the code the tenant sees on its verdict."""
    documents.labels(doc_type, code).inc()
