"""Where a value starts after a cue in text people wrote: `Cue: value`, `Cue value`, or the cue alone on its line
(or table cell) and the value on the next line, which PDF forms and cover pages do all the time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Clause numbering before a label: `1.`, `2.-`, `1.1.3.`, `(a)`, `IV -`.
_NUMBERING = re.compile(r"\s*\(?\s*(?:(?:\d{1,2}(?:\.\d{1,2}){0,3}|[ivx]{1,4}|[a-z])\s*[.)\-–]{1,3}\s*-?\s*)?", re.I)
_SEPARATOR = re.compile(r"\s*(?:\([^)\n]{0,40}\))?\s*(?:[:：]|[-–—](?=\s))?\s*")
_LINE = re.compile(r"[^\n]+")
_CELL = re.compile(r"[^|]+")
# A next line that is itself `Label: value` (`Denominación: X` under `Órgano de contratación:`).
_SHORT_LABEL = re.compile(r"\s*[^\W\d][^:\n]{0,40}:\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue found in a text and the offset where its value starts."""

    cue: str
    cue_start: int
    value_start: int


def cue_values(
    text: str, cue: re.Pattern[str], anywhere: bool = False, bare: bool = False
) -> Iterator[CueHit]:
    """Cues at the start of a line or cell (after clause numbering), or anywhere in it when `anywhere`.

    A value on the cue's own line needs a separator (`Objeto: ...`) unless `bare`: `objeto, inclusive ...` at the
    start of a wrapped line is prose, while `Expediente 10/2024` is a label whose value is a number.
    """
    lines = list(_LINE.finditer(text))
    for number, line in enumerate(lines):
        cells = list(_CELL.finditer(line.group(0)))
        for cell in cells:
            base = line.start() + cell.start()
            body = cell.group(0)
            for match in _matches(body, cue, anywhere):
                rest = _SEPARATOR.match(body, match.end())
                value_start = rest.end() if rest else match.end()
                separated = bool(rest and rest.group(0).strip())
                if value_start < len(body.rstrip()):
                    if separated or bare:
                        yield CueHit(match.group(0), base + match.start(), base + value_start)
                elif len(cells) == 1 and number + 1 < len(lines):
                    following = lines[number + 1]
                    label = _SHORT_LABEL.match(following.group(0))
                    offset = label.end() if label else len(following.group(0)) - len(following.group(0).lstrip())
                    yield CueHit(match.group(0), base + match.start(), following.start() + offset)


def _matches(body: str, cue: re.Pattern[str], anywhere: bool) -> Iterator[re.Match[str]]:
    if anywhere:
        candidates: Iterator[re.Match[str]] = cue.finditer(body)
    else:
        numbering = _NUMBERING.match(body)
        first = cue.match(body, numbering.end() if numbering else 0)
        candidates = iter([first] if first else [])
    for match in candidates:
        before = body[match.start() - 1] if match.start() else " "
        after = body[match.end()] if match.end() < len(body) else " "
        text = match.group(0)
        if not (before.isalnum() and text[0].isalnum()) and not (after.isalnum() and text[-1].isalnum()):
            yield match
