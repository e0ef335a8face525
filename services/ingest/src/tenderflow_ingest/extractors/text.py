"""Extracts plain text and Markdown as paragraphs, each cited by its first line and the headings above it."""

from __future__ import annotations

import re
from pathlib import Path

from tenderflow_ingest.extractors.base import Extraction, ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_decoding import decode_text

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """One unit per paragraph (lines up to a blank line or a Markdown heading); path is "line N", prefixed by
    the heading path ("Lots > Lot 1, line 12") where Markdown headings precede it."""
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        raise ExtractionError("corrupt_text", "the file is not readable text")
    warnings = decoded.warnings()
    units: list[TextUnit] = []
    headings: list[tuple[int, str]] = []
    block: list[str] = []
    block_start = 0
    in_fence = False

    def flush() -> bool:
        text = "\n".join(block).strip()
        block.clear()
        if not text:
            return True
        if len(units) >= limits.max_units_per_document:
            return False
        units.append(TextUnit(text=text[: limits.max_unit_chars], path=_path(headings, block_start)))
        return True

    for number, line in enumerate(decoded.text.lstrip("\ufeff").splitlines(), start=1):
        heading = None if in_fence else _ATX_HEADING.match(line)
        if _FENCE.match(line):
            in_fence = not in_fence
        if heading is not None or (not in_fence and not line.strip()):
            if not flush():
                warnings.append(f"kept the first {limits.max_units_per_document} paragraphs")
                break
            if heading is not None:
                level, title = len(heading.group(1)), heading.group(2).strip()
                headings[:] = [(depth, name) for depth, name in headings if depth < level]
                headings.append((level, title))
                block_start = number
                block.append(line.strip())
                if not flush():
                    warnings.append(f"kept the first {limits.max_units_per_document} paragraphs")
                    break
            continue
        if not block:
            block_start = number
        block.append(line)
    else:
        if not flush():
            warnings.append(f"kept the first {limits.max_units_per_document} paragraphs")
    if not units:
        warnings.append("no text")
    return Extraction(doc_type="text", units=units, pages=0, warnings=warnings)


def _path(headings: list[tuple[int, str]], line: int) -> str:
    if not headings:
        return f"line {line}"
    return f"{' > '.join(name for _, name in headings)}, line {line}"
