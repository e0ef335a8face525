"""Key/value fields parsed from passage text, with spans, so extractors can match on what a value is.

Structured units (OCDS paths, TED element paths, CSV headers, PDF labels) write one `key: value` per line or
cell. Keys are normalized: lowercase, `.`-separated, list indices and versioned-release wrappers removed, and
TED keys made absolute with the passage path, whichever way the extractor wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tenderflow_common.contracts.workspace import Passage

_KEYED_LINE = re.compile(r"^\s*(?P<key>[^:\n]{1,120}?)\s*:(?:\s+|$)(?P<value>.*?)\s*$")
_FLAG_LINE = re.compile(r"^\s*(?P<key>[\w\[\].@-]*[/_][\w\[\]./@-]*)\s*$")
_CSV_CELL = re.compile(r"[^;]+")
_PARTY = re.compile(r"^(?P<prefix>.*?parties\[\d+\])")
STRUCTURED_TYPES = frozenset({"json", "xml"})
# Types whose units are rows written as `Header: value; Header: value` (CSV rows, spreadsheet rows).
ROW_TYPES = frozenset({"csv", "xlsx"})


@dataclass(frozen=True, slots=True)
class Field:
    """One line or cell; `key` is empty for prose. `start:end` spans the value (the line for flags)."""

    key: str
    label: str
    value: str
    start: int
    end: int

    @property
    def is_prose(self) -> bool:
        return not self.key


def is_label(passage: Passage, field: Field) -> bool:
    """A human label (`Closing date:` in a PDF, a CSV header), as opposed to a JSON or XML field path."""
    return bool(field.key) and passage.doc_type not in STRUCTURED_TYPES


@lru_cache(maxsize=4096)
def parse_fields(passage: Passage) -> tuple[Field, ...]:
    """All fields of a passage in text order; lines that are not `key: value` become prose fields."""
    fields: list[Field] = []
    for line in re.finditer(r"[^\n]+", passage.text):
        if passage.doc_type in ROW_TYPES:
            pieces = [
                (cell.group(0), line.start() + cell.start()) for cell in _CSV_CELL.finditer(line.group(0))
            ]
        else:
            pieces = [(line.group(0), line.start())]
        for text, offset in pieces:
            fields.append(_field(passage, text, offset))
    return tuple(field for field in fields if field.value or field.key)


def _field(passage: Passage, text: str, offset: int) -> Field:
    keyed = _KEYED_LINE.match(text)
    if keyed and _is_key(keyed.group("key")):
        label = keyed.group("key").strip()
        return Field(
            _full_key(passage, label),
            label,
            keyed.group("value"),
            offset + keyed.start("value"),
            offset + keyed.end("value"),
        )
    flag = _FLAG_LINE.match(text) if passage.doc_type in STRUCTURED_TYPES else None
    if flag:
        label = flag.group("key")
        return Field(
            _full_key(passage, label), label, "", offset + flag.start("key"), offset + flag.end("key")
        )
    stripped = text.strip()
    start = offset + text.find(stripped) if stripped else offset
    return Field("", "", stripped, start, start + len(stripped))


def _is_key(key: str) -> bool:
    """Reject prose before a colon: times (`12:00`), URLs and whole sentences."""
    key = key.strip()
    return (
        bool(key) and not key[-1].isdigit() and key.lower() not in ("http", "https") and len(key.split()) <= 6
    )


def _full_key(passage: Passage, label: str) -> str:
    if passage.doc_type == "xml" and label != "language":
        label = _absolute_xml_path(passage.path or "", label)
    without_versions = re.sub(r"(?:\[\d+\])+\.value$", "", label)
    plain = re.sub(r"\[\d+\]", "", without_versions).replace("/", ".").strip(".")
    return re.sub(r"\s+", " ", plain.lower())


def _absolute_xml_path(section: str, label: str) -> str:
    if label.startswith("/"):
        return label
    section_parts = [part for part in section.split("/") if part]
    label_parts = [part for part in label.split("/") if part]
    if section_parts and label_parts and label_parts[0] == section_parts[-1]:
        section_parts = section_parts[:-1]
    return "/".join(section_parts + label_parts)


def passage_language(passage: Passage) -> str | None:
    """The `language:` header of a TED section, upper-cased."""
    for field in parse_fields(passage):
        if field.key == "language":
            return field.value.strip().upper() or None
    return None


def party_prefix(field: Field) -> str | None:
    """The `...parties[n]` prefix of an OCDS party field, so fields of one party can be grouped."""
    match = _PARTY.match(field.label)
    return match.group("prefix") if match else None


@lru_cache(maxsize=4096)
def party_roles(passage: Passage) -> dict[str, frozenset[str]]:
    """Roles of each OCDS party in a passage, keyed by party prefix."""
    roles: dict[str, set[str]] = {}
    for field in parse_fields(passage):
        prefix = party_prefix(field)
        if prefix and field.key.endswith("parties.roles") and field.value.strip():
            roles.setdefault(prefix, set()).add(field.value.strip().lower())
    return {prefix: frozenset(values) for prefix, values in roles.items()}
