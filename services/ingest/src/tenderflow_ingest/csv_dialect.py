"""Finds a CSV file's delimiter, because European exports use ';' as often as ','."""

from __future__ import annotations

import csv
import io
from collections import Counter

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_LINES = 50


def sniff_delimiter(text: str) -> str | None:
    """Return the delimiter that splits the first lines into the same number of columns, or None."""
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return None
    sample = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(CANDIDATE_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    best: tuple[int, str] | None = None
    for delimiter in CANDIDATE_DELIMITERS:
        columns = _consistent_columns(sample, delimiter)
        if columns < 2 or best is not None and columns < best[0]:
            continue
        if best is None or columns > best[0] or delimiter == sniffed:
            best = (columns, delimiter)
    return best[1] if best else None


def _consistent_columns(sample: str, delimiter: str) -> int:
    """Column count shared by the header and most rows, or 0 when the rows disagree."""
    try:
        widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
    except csv.Error:
        return 0
    if not widths:
        return 0
    header = widths[0]
    if len(widths) == 1:
        return header
    agreeing = Counter(widths[1:])[header]
    return header if agreeing >= 0.8 * (len(widths) - 1) else 0
