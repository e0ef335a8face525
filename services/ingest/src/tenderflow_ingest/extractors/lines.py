"""Shared helpers that turn values into readable `path: value` lines and size-capped text units."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from tenderflow_ingest.extractors.base import TextUnit
from tenderflow_ingest.limits import IngestLimits

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BREAK_TAG = re.compile(r"<(br|/p|/li|/div|/tr|/h\d)\b[^<>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def clean_value(value: str) -> str:
    """Trim a value and drop embedded HTML markup, which portals paste into descriptions."""
    if "<" in value and _TAG.search(value):
        value = _BREAK_TAG.sub(" ", value)
        value = _TAG.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    # Most values are single-spaced printable text already, which the substitutions below would leave as it is.
    if value.isprintable() and "  " not in value and value.strip() == value:
        return value
    value = _BLANK_LINES.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


def units_from_lines(lines: Iterable[str], path: str | None, max_chars: int) -> Iterator[TextUnit]:
    """Group lines into units no longer than max_chars, keeping each line whole where it fits."""
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in (line,) if len(line) <= max_chars else _split_long(line, max_chars):
            if current and size + len(piece) + 1 > max_chars:
                yield TextUnit(text="\n".join(current), path=path)
                current, size = [], 0
            current.append(piece)
            size += len(piece) + 1
    if current:
        yield TextUnit(text="\n".join(current), path=path)


def units_from_sections(sections: Iterable[Section], limits: IngestLimits, warnings: list[str]) -> list[TextUnit]:
    """One or more units per section (long sections split), capped at the per-document limit with a warning.

    Sections may come from a stream: units past the cap are counted for the warning, not kept.
    """
    units: list[TextUnit] = []
    produced = 0
    for section in sections:
        for unit in units_from_lines(section.lines, section.path, limits.max_unit_chars):
            produced += 1
            if produced <= limits.max_units_per_document:
                units.append(unit)
    if produced > limits.max_units_per_document:
        warnings.append(f"kept the first {limits.max_units_per_document} of {produced} sections")
    return units


class Section(Protocol):
    """A titled group of `path: value` lines, as the JSON and XML flatteners produce them."""

    lines: Iterable[str]
    path: str | None


def _split_long(line: str, max_chars: int) -> list[str]:
    return [line[start : start + max_chars] for start in range(0, len(line), max_chars)] or [line]
