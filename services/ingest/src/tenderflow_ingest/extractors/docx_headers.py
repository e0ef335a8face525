"""A DOCX's running headers and footers: each distinct one read once, as a unit of its own.

Word repeats a section's header and footer on every page; they live in parts of their own, outside the body, so the
body's paragraphs never hold them. Read once and marked ("header 1", "footer 1"), a letterhead that names the buyer
still counts, while "Page 3 of 18" (a page number alone) is left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from tenderflow_ingest.extractors.base import TextUnit
from tenderflow_ingest.extractors.pdf_margins import is_page_number

_HEADERS = ("first_page_header", "header", "even_page_header")
_FOOTERS = ("first_page_footer", "footer", "even_page_footer")


def running_units(document: Document, kind: str, max_chars: int) -> list[TextUnit]:
    """One unit per distinct header (kind "header") or footer ("footer") text, in section order."""
    seen: set[str] = set()
    units = []
    for section in document.sections:
        for name in _HEADERS if kind == "header" else _FOOTERS:
            part = getattr(section, name)
            if part.is_linked_to_previous:  # the prior section's, read already; reading it here would add one
                continue
            text = "\n".join(_lines(part.iter_inner_content()))
            key = " ".join(text.lower().split())
            if key and key not in seen:
                seen.add(key)
                units.append(TextUnit(text=text[:max_chars], path=f"{kind} {len(units) + 1}"))
    return units


def _lines(blocks: Iterator[Paragraph | Table]) -> Iterator[str]:
    """Paragraphs, and table rows with cells joined by ' | ' (letterheads are laid out in tables)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            rows = [[block.text]]
        else:
            rows = [[cell.text for cell in row.cells] for row in block.rows]
        for cells in rows:
            distinct = [text for index, text in enumerate(cells) if index == 0 or text != cells[index - 1]]
            line = " | ".join(" ".join(text.split()) for text in distinct if text.strip())
            if line and not is_page_number(line):
                yield line
