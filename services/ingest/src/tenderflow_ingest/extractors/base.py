"""Value types every extractor returns, so indexing sees one shape whatever the document type."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextUnit:
    """A piece of text with the provenance a citation needs: page for PDFs, path for JSON/XML, row for CSV."""

    text: str
    page: int | None = None
    path: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document, with warnings about what was skipped or guessed."""

    doc_type: str
    units: list[TextUnit]
    pages: int
    warnings: list[str] = field(default_factory=list)
    language: str | None = None  # ISO 639-1, when the text says (language.py)
    ocr_pages: int = 0  # pages without a text layer given to Tesseract


class ExtractionError(Exception):
    """The document cannot be extracted; code is stable for machines, reason is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
