"""Real tender documents flattened into the units ingest produces, for retrieval and answering tests.

The flattening mirrors ingest's extractors closely enough for tests of other services, which may not import
ingest; the end-to-end evaluation (`make eval`) runs the real extractors.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tenderflow_common.testing.infra import repo_root

TENDERS = repo_root().parent / "shared" / "data" / "tenders"
_INLINE_TAGS = {"FT"}


def _local(name: str) -> str:
    return name.split("}")[-1].split(":")[-1]


def _xml_lines(element: ET.Element, prefix: str) -> Iterator[str]:
    path = f"{prefix}/{_local(element.tag)}" if prefix else _local(element.tag)
    for attribute, value in element.attrib.items():
        if "schemaLocation" not in attribute:
            yield f"{path}/@{_local(attribute)}: {value}"
    children = [child for child in element if _local(child.tag) not in _INLINE_TAGS]
    text = " ".join(" ".join(element.itertext()).split()) if not children else (element.text or "").strip()
    if text:
        yield f"{path}: {text}"
    elif not children and not element.attrib:
        yield path
    for child in children:
        yield from _xml_lines(child, path)


def flatten_ted(path: Path, relative_to_section: bool = False) -> list[dict[str, Any]]:
    """One unit per section: coded data parts, translations and every child of each language form."""
    root = ET.parse(path).getroot()
    original_language = next((e.text for e in root.iter() if _local(e.tag) == "LG_ORIG"), "EN")
    units: list[dict[str, Any]] = []

    def add(section: ET.Element, parent_path: str, language: str) -> None:
        lines = [f"language: {language}"]
        if relative_to_section:
            for child in section:
                lines.extend(_xml_lines(child, ""))
        else:
            lines.extend(_xml_lines(section, ""))
        units.append(
            {
                "text": "\n".join(lines),
                "page": None,
                "path": f"{parent_path}/{_local(section.tag)}",
                "row": None,
            }
        )

    for section in root:
        name = _local(section.tag)
        if name == "FORM_SECTION":
            for form in section:
                for child in form:
                    add(
                        child,
                        f"/TED_EXPORT/FORM_SECTION/{_local(form.tag)}",
                        form.get("LG", original_language),
                    )
        elif all(len(child) == 0 for child in section):
            add(section, "/TED_EXPORT", original_language)
        else:
            for child in section:
                add(child, f"/TED_EXPORT/{name}", original_language)
    return units


def _json_lines(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_lines(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_lines(item, f"{path}[{index}]")
    elif value is not None:
        yield f"{path}: {value if isinstance(value, str) else json.dumps(value)}"


def _release_units(prefix: str, release: dict[str, Any]) -> list[dict[str, Any]]:
    def join(key: str) -> str:
        return f"{prefix}.{key}" if prefix else key

    units: list[tuple[str, list[str]]] = []
    scalars: list[str] = []
    for key, value in release.items():
        if isinstance(value, dict):
            lots = value.get("lots") if key == "tender" else None
            rest = {k: v for k, v in value.items() if not (lots and k == "lots")}
            units.append((join(key), list(_json_lines(rest, join(key)))))
            for index, lot in enumerate(lots or []):
                lot_path = f"{join(key)}.lots[{index}]"
                units.append((lot_path, list(_json_lines(lot, lot_path))))
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                item_path = f"{join(key)}[{index}]"
                units.append((item_path, list(_json_lines(item, item_path))))
        else:
            scalars.extend(_json_lines(value, join(key)))
    if scalars:
        units.insert(0, (prefix or "$", scalars))
    return [
        {"text": "\n".join(lines), "page": None, "path": path, "row": None} for path, lines in units if lines
    ]


def flatten_ocds(path: Path) -> list[dict[str, Any]]:
    """One unit per logical release section (buyer, tender, each lot, party, award, contract)."""
    return flatten_ocds_data(json.loads(path.read_text(encoding="utf-8")))


def flatten_ocds_data(data: dict[str, Any]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    consumed: set[str] = set()
    if "ocid" in data and "releases" not in data:
        return _release_units("", data)
    for index, release in enumerate(data.get("releases") or []):
        units += _release_units(f"releases[{index}]", release)
    consumed.add("releases")
    for key in ("compiledRelease", "versionedRelease"):
        if isinstance(data.get(key), dict):
            units += _release_units(key, data[key])
            consumed.add(key)
    for index, record in enumerate(data.get("records") or []):
        units += _release_units(f"records[{index}].compiledRelease", record.get("compiledRelease") or {})
    consumed.add("records")
    metadata = {key: value for key, value in data.items() if key not in consumed}
    if metadata:
        units.append({"text": "\n".join(_json_lines(metadata, "")), "page": None, "path": "$", "row": None})
    return units


def csv_units(header: list[str], rows: list[list[str]]) -> list[dict[str, Any]]:
    """One unit per data row, numbered from 1 like a spreadsheet's data rows."""
    return [
        {
            "text": "; ".join(f"{name}: {cell}" for name, cell in zip(header, row, strict=True)),
            "page": None,
            "path": None,
            "row": number,
        }
        for number, row in enumerate(rows, start=1)
    ]


def pdf_units(pages: list[str]) -> list[dict[str, Any]]:
    return [{"text": text, "page": number, "path": None, "row": None} for number, text in enumerate(pages, 1)]
