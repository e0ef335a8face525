"""Chooses between pypdf's plain and layout text, so rows of a table stay on one line."""

from __future__ import annotations

import re

_COLUMN_GAP = re.compile(r" {3,}")
_MIN_GAPS_FOR_ROW = 2
_PLAIN_KEEPS_ROWS = 0.8
_SHORT_LINE_WORDS = 3
_SHORT_LINES_SHARE = 0.3
_MIN_LINES = 4


def may_hold_split_rows(plain: str) -> bool:
    """Whether plain text could have broken table rows apart (cells on lines of their own), which only the
    slower layout pass can tell; prose pages and pages without text skip that pass."""
    lines = [line for line in plain.splitlines() if line.strip()]
    if len(lines) < _MIN_LINES:
        return False
    short = sum(1 for line in lines if len(line.split()) <= _SHORT_LINE_WORDS)
    return short >= _SHORT_LINES_SHARE * len(lines)


def choose_page_text(plain: str, layout: str | None) -> str:
    """Plain text when it keeps table rows whole, else layout text with columns marked by ' | '."""
    if not layout:
        return plain
    rows = [_single_spaced(line) for line in layout.splitlines() if _is_table_row(line)]
    if not rows:
        return plain
    plain_lines = {_single_spaced(line) for line in plain.splitlines()}
    kept = sum(1 for row in rows if row in plain_lines)
    if kept >= _PLAIN_KEEPS_ROWS * len(rows):
        return plain
    return tidy_layout(layout)


def tidy_layout(layout: str) -> str:
    """Drop the padding layout mode uses for positioning, keeping one line per visual line."""
    lines = []
    for line in layout.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if _is_table_row(stripped):
            lines.append(_COLUMN_GAP.sub(" | ", stripped))
        else:
            lines.append(" ".join(stripped.split()))
    return "\n".join(lines)


def _is_table_row(line: str) -> bool:
    return len(_COLUMN_GAP.findall(line.strip())) >= _MIN_GAPS_FOR_ROW


def _single_spaced(line: str) -> str:
    return " ".join(line.split())
