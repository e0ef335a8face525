"""Extracts JSON documents, with OCDS data split into buyer, tender, lot, award and party sections."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.extractors.json_flatten import child_path, flatten
from tenderflow_ingest.extractors.lines import units_from_sections
from tenderflow_ingest.extractors.ocds import Section, is_ocds, ocds_sections
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_decoding import decode_text

_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_OPENERS = frozenset("[{")


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """Parse the document within the depth limit and turn it into one unit per logical section."""
    size = path.stat().st_size
    if size > limits.max_json_bytes:
        reason = f"JSON document is {size} bytes; at most {limits.max_json_bytes} allowed"
        raise ExtractionError("too_large", reason)
    decoded = decode_text(path.read_bytes())
    if decoded is None:
        raise ExtractionError("corrupt_json", "JSON document is not readable text")
    warnings = decoded.warnings()
    if exceeds_depth(decoded.text, limits.max_json_depth):
        raise ExtractionError("json_too_deep", f"JSON nesting is deeper than {limits.max_json_depth} levels")
    try:
        document = json.loads(decoded.text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as error:
        raise ExtractionError("corrupt_json", f"JSON cannot be parsed: {error}") from error
    sections = ocds_sections(document) if is_ocds(document) else generic_sections(document)
    units = units_from_sections(sections, limits, warnings)
    return Extraction(doc_type="json", units=units, pages=0, warnings=warnings)


def exceeds_depth(text: str, limit: int) -> bool:
    """Scan bracket depth (skipping strings) before parsing, so a nesting bomb is never built."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        first = text[match.start()]
        if first in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif first != '"':
            depth -= 1
    return False


def generic_sections(document: Any) -> list[Section]:
    """For JSON we do not know: one section per top-level key, or per item of a top-level array."""
    if isinstance(document, dict):
        keyed = [Section(key, flatten(value, child_path("", key))) for key, value in document.items()]
    elif isinstance(document, list):
        keyed = [Section(f"[{index}]", flatten(value, f"[{index}]")) for index, value in enumerate(document)]
    else:
        keyed = [Section("$", flatten(document, ""))]
    return [section for section in keyed if section.lines]
