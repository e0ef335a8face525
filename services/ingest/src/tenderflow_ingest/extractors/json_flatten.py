"""Flattens parsed JSON into `path: value` lines, so a unit of text still says where each value came from."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tenderflow_ingest.extractors.lines import clean_value


def child_path(path: str, key: str | int) -> str:
    """Extend a path the way people write it: `releases[0].tender.title`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def flatten(value: Any, path: str, skip: Collection[str] = ()) -> list[str]:
    """Lines for every non-empty scalar under value; keys named in skip are left out at the top level only."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key not in skip:
                _flatten_into(lines, child, f"{path}.{key}" if path else key)
    else:
        _flatten_into(lines, value, path)
    return lines


def _flatten_into(lines: list[str], value: Any, path: str) -> None:
    """flatten's walk, appending to one list: it runs for every value of a document, so no list per level."""
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten_into(lines, child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _flatten_into(lines, child, f"{path}[{index}]")
    else:
        text = clean_value(value) if isinstance(value, str) else scalar_text(value)
        if text:
            lines.append(f"{path or '$'}: {text}")


def scalar_text(value: Any) -> str:
    """Render a scalar the way a reader expects, with empty strings and nulls dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return clean_value(value)
    return str(value)
