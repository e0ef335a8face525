"""OCR of PDF pages that have no text layer: pdfium renders the page, Tesseract reads it (through pytesseract).

The document's language picks Tesseract's language. When other pages have a text layer, their words decide; when
none has, the first scanned page is read once with every supported language installed and its words decide for
the pages after it. Tesseract runs as a program, in the extraction child, so it inherits the child's address
space cap; it runs with one thread, so its memory stays well under that cap and one document takes one core.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache

from tenderflow_ingest import language

# Tesseract's names for the languages of the tenders we read; make ocr installs their packs.
TESSERACT_NAMES = {"en": "eng", "pt": "por", "es": "spa", "ru": "rus"}
SUPPORTED_LANGUAGES = tuple(TESSERACT_NAMES.values())
RENDER_DPI = 300
# A page larger than this (plans, posters) is rendered at a lower resolution: about A3 at 300 dpi.
MAX_PIXELS = 18_000_000
_POINTS_PER_INCH = 72


class OcrUnavailable(Exception):
    """Tesseract is not installed, or has none of the supported languages."""


@lru_cache(maxsize=1)
def installed_languages() -> tuple[str, ...]:
    """The supported languages Tesseract has packs for; OcrUnavailable without Tesseract."""
    import pytesseract

    try:
        installed = set(pytesseract.get_languages())
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as error:
        # The tenant sees this in a file's verdict: the error's own text names this machine's paths.
        raise OcrUnavailable("Tesseract is not available") from error
    languages = tuple(name for name in SUPPORTED_LANGUAGES if name in installed)
    if not languages:
        raise OcrUnavailable(f"Tesseract has none of the languages {', '.join(SUPPORTED_LANGUAGES)}")
    return languages


def detect_language(texts: Iterable[str], languages: tuple[str, ...]) -> str | None:
    """Tesseract's name for the language of texts, among languages (Tesseract's names); None when unsure."""
    iso_codes = {name: code for code, name in TESSERACT_NAMES.items()}
    found = language.detect_language(texts, [iso_codes[name] for name in languages])
    return TESSERACT_NAMES[found] if found else None


def page_image(page):  # noqa: ANN001, ANN201 - a pypdfium2 PdfPage in, a PIL image out
    """The page rendered in grey at RENDER_DPI, or lower when it is very large."""
    width, height = page.get_size()
    scale = RENDER_DPI / _POINTS_PER_INCH
    pixels = width * height * scale * scale
    if pixels > MAX_PIXELS:
        scale *= (MAX_PIXELS / pixels) ** 0.5
    return page.render(scale=scale, grayscale=True).to_pil()


def read_image(image, language: str, seconds: float) -> str:  # noqa: ANN001 - a PIL image
    """Tesseract's text of the image; TimeoutError past seconds, RuntimeError when Tesseract fails."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return pytesseract.image_to_string(image, lang=language, timeout=seconds)
    except pytesseract.TesseractError as error:
        # Tesseract's message names its data files and temporary paths on this machine; its exit status does not.
        raise RuntimeError(f"Tesseract could not read it (exit status {error.status})") from error
    except RuntimeError as error:
        if "timeout" in str(error).lower():
            raise TimeoutError(str(error)) from error
        raise
