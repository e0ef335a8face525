"""Extracts JSON documents, with OCDS data split into buyer, tender, lot, award and party sections.

Documents are read as streams (ijson): a first pass checks the nesting and learns the top level (json_shape), a
second reads each release, record or list item in turn, so memory holds the units and one item, not the document.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import ijson

from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.extractors.json_flatten import child_path, flatten
from tenderflow_ingest.extractors.json_shape import TooDeep, TopLevel, describe
from tenderflow_ingest.extractors.lines import units_from_sections
from tenderflow_ingest.extractors.ocds import CONSUMED_KEYS, Section, ocds_form, record_releases, release_sections
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_stream import TextFile, open_text


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """Check the depth limit while learning the top level, then turn the document into one unit per section."""
    size = path.stat().st_size
    if size > limits.max_json_bytes:
        reason = f"JSON document is {size} bytes; at most {limits.max_json_bytes} allowed"
        raise ExtractionError("too_large", reason)
    text_file = open_text(path)
    if text_file is None:
        raise ExtractionError("corrupt_json", "JSON document is not readable text")
    try:
        with text_file.utf8() as stream:
            top = describe(stream, limits.max_json_depth)
    except TooDeep as error:
        raise ExtractionError("json_too_deep", f"JSON nesting is deeper than {limits.max_json_depth} levels") from error
    except ijson.JSONError as error:
        raise ExtractionError("corrupt_json", f"JSON cannot be parsed: {error}") from error
    notes: list[str] = []
    units = units_from_sections(_Passes(text_file, top).sections(), limits, notes)
    return Extraction(doc_type="json", units=units, pages=0, warnings=text_file.warnings() + notes)


class _Passes:
    """Later passes over a document whose top level is known: its sections, read item by item."""

    def __init__(self, text_file: TextFile, top: TopLevel) -> None:
        self.text_file = text_file
        self.top = top

    def sections(self) -> Iterator[Section]:
        if self.top.kind == "array":
            for index, item in self._items("item"):
                yield Section(f"[{index}]", flatten(item, f"[{index}]"))
        elif self.top.kind == "scalar":
            yield Section("$", flatten(self._whole(""), ""))
        elif (form := ocds_form(self.top)) is None:
            for key in self.top.keys:
                yield Section(key, self._lines(key))
        else:
            yield from self._ocds_sections(form)

    def _ocds_sections(self, form: str) -> Iterator[Section]:
        """Sections for every release in the document, then one for the package-level metadata."""
        if form == "release":
            yield from release_sections(self._whole(""), "")
            return
        if form == "records":
            for index, record in self._items("records.item"):
                if isinstance(record, dict):
                    for path, release in record_releases(record, f"records[{index}]"):
                        yield from release_sections(release, path)
        elif form == "record":
            yield from release_sections(self._whole("compiledRelease"), "compiledRelease")
        else:
            for index, release in self._items("releases.item"):
                if isinstance(release, dict):
                    yield from release_sections(release, f"releases[{index}]")
        package = [key for key in self.top.keys if key not in CONSUMED_KEYS[form]]
        yield Section("$", chain.from_iterable(self._lines(key) for key in package))

    def _lines(self, key: str) -> Iterator[str]:
        """The `path: value` lines of a top-level value, a list's read one item at a time."""
        path = child_path("", key)
        if not self.top.streamed(key):
            yield from flatten(self.top.values.get(key), path)
        elif key in self.top.lists:
            for index, item in self._items(f"{key}.item"):
                yield from flatten(item, child_path(path, index))
        else:
            yield from flatten(self._whole(key), path)

    def _items(self, prefix: str) -> Iterator[tuple[int, Any]]:
        with self.text_file.utf8() as stream:
            yield from enumerate(ijson.items(stream, prefix, use_float=True))

    def _whole(self, prefix: str) -> Any:
        with self.text_file.utf8() as stream:
            return next(ijson.items(stream, prefix, use_float=True), None)
