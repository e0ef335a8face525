"""Split extracted text units into overlapping windows that keep file, page, path and row provenance."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tenderflow_common.notice_headings import heading_starts, notice_number

MAX_WINDOW_WORDS = 280
OVERLAP_WORDS = 40

_LINE = re.compile(r"[^\n]+")
_SENTENCE = re.compile(r".+?(?:[.!?;](?=\s)|$)", re.S)
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable window of one text unit, with the provenance a citation needs."""

    chunk_id: str
    document_id: str
    file: str
    doc_type: str
    text: str
    page: int | None
    path: str | None
    row: int | None
    ordinal: int
    language: str | None = None  # the document's, ISO 639-1, when ingest could tell


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    words: int


def chunk_units(document_id: str, file: str, doc_type: str, units: list[Mapping[str, Any]],
                language: str | None = None) -> list[Chunk]:
    """Turn a document's units into chunks with deterministic ids, so re-indexing gives the same ids."""
    chunks: list[Chunk] = []
    for unit, text in _unit_windows(units):
        ordinal = len(chunks)
        chunks.append(
            Chunk(
                chunk_id=f"{document_id}:{ordinal}",
                document_id=document_id,
                file=file,
                doc_type=doc_type,
                text=text,
                page=unit.get("page"),
                path=unit.get("path"),
                row=unit.get("row"),
                ordinal=ordinal,
                language=language,
            )
        )
    return chunks


def _unit_windows(units: list[Mapping[str, Any]]) -> Iterator[tuple[Mapping[str, Any], str]]:
    """Each unit's windows; in a document of many numbered notices, none spans two and each opens with its heading."""
    texts = [str(unit.get("text") or "") for unit in units]
    headings = [heading_starts(text) for text in texts]
    if len({notice_number(heading) for found in headings for _, heading in found}) < 2:
        for unit, text in zip(units, texts, strict=True):
            for window in split_into_windows(text):
                yield unit, window
        return
    current: str | None = None  # a notice may run on from the previous page
    for unit, text, found in zip(units, texts, headings, strict=True):
        cuts = [0, *(start for start, _ in found), len(text)]
        titles = [current, *(heading for _, heading in found)]
        for piece, (begin, end, title) in enumerate(zip(cuts, cuts[1:], titles, strict=False)):
            for number, window in enumerate(split_into_windows(text[begin:end])):
                opens_with_heading = title is None or (piece > 0 and number == 0)
                yield unit, window if opens_with_heading else f"{title}\n{window}"
        current = titles[-1]


def split_into_windows(
    text: str, max_words: int = MAX_WINDOW_WORDS, overlap_words: int = OVERLAP_WORDS
) -> list[str]:
    """Pack lines (or sentences of very long lines) into windows that overlap so no fact is cut off."""
    segments = list(_segments(text, max_words))
    if not segments:
        return []
    windows: list[str] = []
    first = 0
    while first < len(segments):
        last = first
        words = segments[first].words
        while last + 1 < len(segments) and words + segments[last + 1].words <= max_words:
            last += 1
            words += segments[last].words
        windows.append(text[segments[first].start : segments[last].end])
        if last + 1 >= len(segments):
            break
        first = _overlap_start(segments, first, last, overlap_words)
    return windows


def _overlap_start(segments: list[_Segment], first: int, last: int, overlap_words: int) -> int:
    """Step back over trailing segments worth at most `overlap_words`, always moving forward."""
    start = last + 1
    carried = 0
    while start - 1 > first and carried + segments[start - 1].words <= overlap_words:
        start -= 1
        carried += segments[start].words
    return start


def _segments(text: str, max_words: int) -> Iterator[_Segment]:
    for line in _LINE.finditer(text):
        yield from _fitting_pieces(text, line.start(), line.end(), max_words, _SENTENCE)


def _fitting_pieces(
    text: str, start: int, end: int, max_words: int, splitter: re.Pattern[str] | None
) -> Iterator[_Segment]:
    """Yield the span as one segment, or split by sentences and then by words until pieces fit."""
    words = [(match.start(), match.end()) for match in _WORD.finditer(text, start, end)]
    if not words:
        return
    if len(words) <= max_words:
        yield _Segment(words[0][0], words[-1][1], len(words))
        return
    if splitter is not None:
        for piece in splitter.finditer(text, start, end):
            yield from _fitting_pieces(text, piece.start(), piece.end(), max_words, None)
        return
    for offset in range(0, len(words), max_words):
        group = words[offset : offset + max_words]
        yield _Segment(group[0][0], group[-1][1], len(group))
