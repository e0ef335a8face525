"""Running headers, footers and page numbers: recognised across a document's pages and kept out of its units.

A line near the top or bottom of a page (the first or last few lines) that recurs there on at least half the
pages, its page number aside, and never amid a page, is a running header or footer: a letterhead, a document
title, "Page 3 of 18". It is kept once, on the first page it appears on (a letterhead can be the only place a
buyer is named), and dropped from every other page. A line that is only a page number ("7", "- 7 -", "Page 7",
"7/18", "Página 7 de 53", "Стр. 7") is dropped wherever it sits in those margins.
"""

from __future__ import annotations

import re
from collections import Counter

MARGIN_LINES = 4
_MIN_PAGES = 3
_SHARE_OF_PAGES = 0.5
_PAGE_NUMBER = re.compile(
    r"^[-–—\s|]*(?:(?:page|p\.|pag\.|pág\.|página|pagina|hoja|folha|fl\.|стр\.|страница|лист)\s*)?"
    r"\d{1,4}(?:\s*(?:/|of|de|из)\s*\d{1,4})?[-–—\s|]*$",
    re.IGNORECASE,
)

_DIGIT = re.compile(r"\d")
_PAGE_LABEL = re.compile(
    r"(?:page|p\.|pag\.|pág\.|página|pagina|hoja|folha|fl\.|стр\.|страница|лист)\s*\d{1,4}"
    r"(?:\s*(?:/|of|de|из)\s*\d{1,4})?"
)
_EDGE_NUMBER = re.compile(r"^[-–—\s]*\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]+|[-–—\s]+\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$")


def strip_margins(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines without running headers, footers and page numbers (one list per page, in order)."""
    running = _running_lines(pages)
    seen: set[str] = set()
    stripped = []
    for lines in pages:
        margin = _margin_indexes(lines)
        kept = []
        for index, line in enumerate(lines):
            if index in margin:
                if _PAGE_NUMBER.match(line.strip()):
                    continue
                key = _key(line)
                if key in running:
                    if key in seen:
                        continue
                    seen.add(key)
            kept.append(line)
        stripped.append(kept)
    return stripped


def _running_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < _MIN_PAGES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(lines[index]) for index in _margin_indexes(lines)})
    needed = max(_MIN_PAGES, _SHARE_OF_PAGES * len(pages))
    # A line without letters is content (a row of amounts), however often its shape recurs.
    running = {key for key, count in counts.items() if count >= needed and re.search(r"[^\W\d_]", key)}
    if not running:
        return running
    # So is a line that also occurs amid a page (a table's repeated wording). Only lines that contain a
    # candidate can be one, which spares computing the key of every line.
    for lines in pages:
        margin = _margin_indexes(lines)
        for index, line in enumerate(lines):
            if index in margin:
                continue
            simple = line.lower()
            if any(key in simple for key in running) and (key := _key(line)) in running:
                running.discard(key)
                if not running:
                    return running
    return running


def _margin_indexes(lines: list[str]) -> set[int]:
    count = len(lines)
    return set(range(min(MARGIN_LINES, count))) | set(range(max(0, count - MARGIN_LINES), count))


def _key(line: str) -> str:
    """The line without its page number and with spacing evened out, so "Notice 12/2024 - Page 3 of 18" and
    "Notice 12/2024 - Page 4 of 18" are one line; other numbers count ("Section 2" is not "Section 3")."""
    text = " ".join(line.replace("|", " ").lower().split())
    if not _DIGIT.search(text):
        return text
    return _EDGE_NUMBER.sub("", _PAGE_LABEL.sub("", text)).strip()
