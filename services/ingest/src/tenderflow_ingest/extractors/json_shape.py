"""A first pass over a JSON document's events: its nesting checked, its top level described, nothing built whole.

What the second pass streams depends on the top level (OCDS is recognised by its top-level keys, which may come in
any order), so the first pass learns it: each top-level key, whether its value is a list, whether an item of
`releases` has an `ocid`. Top-level values other than lists are small in practice (package metadata, one
release), so they are kept from this pass; lists are read again item by item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ijson
from ijson.common import ObjectBuilder

_OPENING = frozenset({"start_map", "start_array"})
_CLOSING = frozenset({"end_map", "end_array"})
# Each holds a whole release: read in a later pass, never kept from this one, whatever their type.
_STREAMED_OBJECTS = frozenset({"compiledRelease", "versionedRelease"})
_KINDS = {"start_map": "object", "start_array": "array"}


class TooDeep(Exception):
    """The document nests deeper than allowed; raised as soon as the depth is reached."""


@dataclass
class TopLevel:
    """What the first pass learned: the top level's kind, its keys in order and the values kept of them."""

    kind: str = "scalar"  # "object", "array" or "scalar"
    keys: dict[str, None] = field(default_factory=dict)  # in document order
    lists: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    values: dict[str, Any] = field(default_factory=dict)
    release_with_ocid: bool = False

    def streamed(self, key: str) -> bool:
        """Whether key's value is read again in a later pass rather than kept from this one.

        ijson addresses values by dotted prefixes, so a key with a dot in it is kept, whatever its size.
        """
        return "." not in key and (key in self.lists or key in _STREAMED_OBJECTS)


def describe(stream: Any, max_depth: int) -> TopLevel:
    """Walk every event once; TooDeep past max_depth, ijson.JSONError when the document is not JSON."""
    top = TopLevel()
    depth = 0
    first = True
    key: str | None = None
    builder: ObjectBuilder | None = None
    for event, value in ijson.basic_parse(stream, use_float=True):
        if event in _OPENING:
            depth += 1
            if depth > max_depth:
                raise TooDeep()
        if first:
            top.kind = _KINDS.get(event, "scalar")
            first = False
        elif top.kind == "object":
            if depth == 1 and event == "map_key":
                key = value
                top.keys.setdefault(key)  # a repeated key keeps its first place and, as in json.loads, its last value
            elif builder is None and depth <= 2 and key is not None and _value_starts(event, depth):
                builder = _builder_for(top, key, event)
            elif key == "releases" and depth == 3 and event == "map_key" and value == "ocid":
                top.release_with_ocid = True
            if builder is not None:
                builder.event(event, value)
        if event in _CLOSING:
            depth -= 1
        if builder is not None and depth == 1 and event != "map_key":
            top.values[key] = builder.value
            builder = None
    return top


def _value_starts(event: str, depth: int) -> bool:
    """A top-level value starts: a container one level down, or a scalar at the top level itself."""
    return depth == 2 if event in _OPENING else depth == 1 and event not in _CLOSING


def _builder_for(top: TopLevel, key: str, event: str) -> ObjectBuilder | None:
    """Note the value's type as it starts; a builder when it is kept from this pass."""
    if event == "start_array":
        top.lists.add(key)
    elif event == "start_map":
        top.objects.add(key)
    return None if top.streamed(key) else ObjectBuilder()
