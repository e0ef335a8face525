"""Finds a sheet's merged ranges, which openpyxl's read-only mode does not report, by scanning the sheet part."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from openpyxl.utils.cell import range_boundaries

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')
_CHUNK = 1024 * 1024
_OVERLAP = 256


@dataclass(frozen=True)
class MergedRange:
    """Columns are 0-based like a row's value list; rows are the sheet's own 1-based numbers."""

    first_column: int
    first_row: int
    last_column: int
    last_row: int


def merged_ranges(archive: zipfile.ZipFile, part: str, limit: int) -> tuple[list[MergedRange], bool]:
    """The sheet's merged ranges (at most limit of them) and whether some were left out."""
    ranges: list[MergedRange] = []
    seen: set[bytes] = set()
    tail = b""
    with archive.open(part.lstrip("/")) as handle:
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            for match in _MERGE.finditer(window):
                ref = match.group(1)
                if ref in seen:
                    continue
                if len(ranges) >= limit:
                    return ranges, True
                seen.add(ref)
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
                ranges.append(MergedRange(min_col - 1, min_row, max_col - 1, max_row))
            tail = window[-_OVERLAP:]
    return ranges, False
