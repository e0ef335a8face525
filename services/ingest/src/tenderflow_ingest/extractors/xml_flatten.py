"""Flattens XML elements into `path: value` lines with namespaces stripped, so paths read like the schema."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from tenderflow_ingest.extractors.lines import clean_value

_PARAGRAPH_TAGS = frozenset({"P", "p", "BR", "br"})
_SKIPPED_ATTRIBUTE_NAMESPACES = (
    "{http://www.w3.org/2001/XMLSchema-instance}",
    "{http://www.w3.org/1999/xlink}",
)
FLAG_PRESENT = "yes"


@dataclass(frozen=True)
class XmlSection:
    """Lines that belong together, and the element path they come from."""

    path: str
    lines: list[str]


def local_name(tag: str) -> str:
    """Strip the `{namespace}` prefix ElementTree puts on names."""
    return tag.rsplit("}", 1)[-1]


def named_children(element: Element) -> Iterator[tuple[str, Element]]:
    """Children with their path step: the local name, plus a 1-based index when siblings share it."""
    children = [child for child in element if isinstance(child.tag, str)]
    totals = Counter(local_name(child.tag) for child in children)
    seen: Counter[str] = Counter()
    for child in children:
        name = local_name(child.tag)
        seen[name] += 1
        yield (f"{name}[{seen[name]}]" if totals[name] > 1 else name), child


def flatten_element(
    element: Element, path: str, keep: Callable[[Element], bool] = lambda _: True
) -> list[str]:
    """Lines for an element and everything under it that keep() accepts; paragraphs become one line."""
    lines: list[str] = []
    stack = [(path, element)]
    while stack:
        current_path, current = stack.pop()
        lines.extend(_attribute_lines(current, current_path))
        children = [child for child in current if isinstance(child.tag, str)]
        block = text_block(current)
        if block is not None:
            if block:
                lines.append(f"{current_path}: {block}")
            continue
        text = clean_value(current.text or "")
        if text:
            lines.append(f"{current_path}: {text}")
        elif not children and not current.attrib:
            lines.append(f"{current_path}: {FLAG_PRESENT}")
        kept = [(step, child) for step, child in named_children(current) if keep(child)]
        stack.extend((f"{current_path}/{step}", child) for step, child in reversed(kept))
    return lines


def _attribute_lines(element: Element, path: str) -> list[str]:
    return [
        f"{path}/@{local_name(name)}: {clean_value(value)}"
        for name, value in element.attrib.items()
        if not name.startswith(_SKIPPED_ATTRIBUTE_NAMESPACES) and clean_value(value)
    ]


def text_block(element: Element) -> str | None:
    """Paragraph containers (TED's <P>, with inline <FT>) and mixed content, read as one line of text."""
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        return None
    if (element.text or "").strip():
        return clean_value("".join(element.itertext()))
    if all(local_name(child.tag) in _PARAGRAPH_TAGS for child in children):
        return clean_value(" ".join("".join(child.itertext()) for child in children))
    return None
