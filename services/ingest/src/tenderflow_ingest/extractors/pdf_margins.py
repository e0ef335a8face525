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
from functools import lru_cache

MARGIN_LINES = 4
_MIN_PAGES = 3
_SHARE_OF_PAGES = 0.5
_PAGE_NUMBER = re.compile(
    r"^[-–—\s|]*(?:(?:page|p\.|pag\.|pág\.|página|pagina|hoja|folha|fl\.|стр\.|страница|лист)[\s|:.]*)?"
    r"\d{1,4}(?:\s*(?:/|of|de|из)\s*\d{1,4})?[-–—\s|]*$",
    re.IGNORECASE,
)

# Room a page label ("- página 12 de 153 -") and column marks take in a line beyond its key.
_LONGEST_PAGE_LABEL = 40
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
        dropped = set()
        for index in _margin_indexes(lines):
            line = lines[index]
            if is_page_number(line):
                dropped.add(index)
                continue
            key = _key(line)
            if key in running:
                if key in seen:
                    dropped.add(index)
                else:
                    seen.add(key)
        stripped.append([line for index, line in enumerate(lines) if index not in dropped] if dropped else lines)
    return stripped


def is_page_number(line: str) -> bool:
    """A line that is only a page number or page label: "7", "- 7 -", "Page 3 of 18", "Стр. 7"."""
    return bool(_PAGE_NUMBER.match(line.strip()))


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
    # So is a line that also occurs amid a page (a table's repeated wording). A line's key is never much
    # shorter than the line (lines come single-spaced; a page label is short), so most lines are ruled out
    # by their length before their key is computed.
    shortest = min(len(key) for key in running)
    longest = max(len(key) for key in running) + _LONGEST_PAGE_LABEL
    for lines in pages:
        for line in lines[MARGIN_LINES:-MARGIN_LINES]:
            if shortest <= len(line) <= longest and (key := _key(line)) in running:
                running.discard(key)
                if not running:
                    return running
    return running


def _margin_indexes(lines: list[str]) -> list[int]:
    count = len(lines)
    if count <= 2 * MARGIN_LINES:
        return list(range(count))
    return [*range(MARGIN_LINES), *range(count - MARGIN_LINES, count)]


# Running headers repeat word for word from page to page, so most lines' keys are ones already computed.
@lru_cache(maxsize=4096)
def _key(line: str) -> str:
    """The line without its page number and with spacing evened out, so "Notice 12/2024 - Page 3 of 18" and
    "Notice 12/2024 - Page 4 of 18" are one line; numbers within the line count ("2. Scope" is not "3. Scope")."""
    text = " ".join(line.replace("|", " ").lower().split())
    if not _DIGIT.search(text):
        return text
    return _EDGE_NUMBER.sub("", _PAGE_LABEL.sub("", text)).strip()
