"""Reads a large text file as a stream, its encoding judged on samples, so an export is never held whole.

The encoding is judged (text_decoding) on the first MiB, or, when that is plain ASCII and says nothing, on a MiB
from the first non-ASCII byte on. A byte sequence the chosen encoding cannot read further on is replaced and
counted, where reading the whole file first could have chosen another encoding: a file that changes encoding
after its first non-ASCII MiB is rare, and holding every export in memory to allow for it is not worth it.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tenderflow_ingest.limits import MIB
from tenderflow_ingest.text_decoding import decode_text

SAMPLE_BYTES = MIB
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_COUNT_AND_REPLACE = "tenderflow-ingest-count-and-replace"
_replacements = threading.local()


def _count_and_replace(error: UnicodeError) -> tuple[str, int]:
    _replacements.count = _replaced_so_far() + 1
    return "\ufffd", error.end  # type: ignore[attr-defined]


def _replaced_so_far() -> int:
    return getattr(_replacements, "count", 0)


codecs.register_error(_COUNT_AND_REPLACE, _count_and_replace)


class TextFile:
    """A text file and the encoding it is read in; opens as many decoded passes over it as a parser needs."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        self.replaced = 0

    @contextmanager
    def text(self) -> Iterator[TextIO]:
        """The decoded text, lines ending as written (what the csv module wants)."""
        before = _replaced_so_far()
        stream = io.TextIOWrapper(self.path.open("rb"), encoding=self.encoding, errors=_COUNT_AND_REPLACE,
                                  newline="")
        try:
            yield stream
        finally:
            stream.close()
            # Every full pass meets the same bad bytes: count them once.
            self.replaced = max(self.replaced, _replaced_so_far() - before)

    @contextmanager
    def utf8(self) -> Iterator[Utf8Reader]:
        """The text re-encoded as UTF-8, for parsers that read bytes (ijson reads nothing else)."""
        with self.text() as stream:
            yield Utf8Reader(stream)

    def warnings(self) -> list[str]:
        """What a reader of the extracted text should know about how it was decoded."""
        notes = [] if self.encoding.startswith("utf") else [f"decoded as {self.encoding}"]
        if self.replaced:
            notes.append(f"{self.replaced} undecodable byte sequences replaced")
        return notes


class Utf8Reader:
    """A binary file-like view of decoded text."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size).encode("utf-8")


def open_text(path: Path) -> TextFile | None:
    """The file with the encoding its samples are read in, or None when they are not text."""
    with path.open("rb") as fp:
        sample = fp.read(SAMPLE_BYTES)
        if len(sample) == SAMPLE_BYTES and sample.isascii():
            sample = _from_first_non_ascii(fp) or sample
    decoded = decode_text(sample, partial=True)
    if decoded is None:
        return None
    text_file = TextFile(path, decoded.encoding)
    text_file.replaced = decoded.replaced
    return text_file


def _from_first_non_ascii(fp: io.BufferedReader) -> bytes | None:
    """SAMPLE_BYTES from the first non-ASCII byte on; the byte before it is ASCII, so a character starts there."""
    while chunk := fp.read(SAMPLE_BYTES):
        if not chunk.isascii():
            window = chunk[_NON_ASCII.search(chunk).start() :]
            return window + fp.read(SAMPLE_BYTES - len(window))
    return None
