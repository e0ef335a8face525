"""Safety limits for taking tender packages apart; every one is configurable."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
# Limits whose zero means "none of this": no OCR at all.
MAY_BE_ZERO = frozenset({"max_ocr_pages"})


@dataclass(frozen=True)
class IngestLimits:
    """Bounds on what one package may cost us, so a hostile upload fails one job and not the service."""

    max_entries: int = 1000
    max_total_uncompressed: int = 500 * MIB
    max_file_uncompressed: int = 100 * MIB
    max_compression_ratio: float = 100.0
    # Small repetitive files (padded CSVs, indented JSON) exceed 100:1 honestly; a bomb does not stay small.
    ratio_check_min_bytes: int = 1 * MIB
    max_name_length: int = 255
    max_json_depth: int = 64
    max_json_bytes: int = 64 * MIB
    max_xml_bytes: int = 64 * MIB
    max_xml_depth: int = 128
    max_pdf_pages: int = 2000
    max_pdf_seconds: float = 60.0
    # Per document, in the extraction child process; covers every parser, not only PDFs.
    max_extraction_memory: int = 1024 * MIB
    max_extraction_seconds: float = 120.0
    max_units_per_document: int = 100_000
    max_unit_chars: int = 200_000
    cancel_check_bytes: int = 4 * MIB
    # OCR of PDF pages without a text layer, inside max_pdf_seconds: pages read per document (0 switches OCR
    # off) and seconds per page. A scanned page takes Tesseract 3-6 s on one core.
    max_ocr_pages: int = 10
    max_ocr_page_seconds: float = 20.0
    # Filled PDF form fields written as `label: value` lines: per document, and characters per value (a long
    # free-text box keeps its start).
    max_form_fields: int = 500
    max_form_value_chars: int = 2000

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name in MAY_BE_ZERO and value == 0:
                continue
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")
