"""Extracts XML documents without expanding entities or fetching anything, TED notices in one language."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException

from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.extractors.lines import units_from_sections
from tenderflow_ingest.extractors.ted import is_ted_notice, ted_sections
from tenderflow_ingest.extractors.xml_flatten import (
    XmlSection,
    flatten_element,
    local_name,
    named_children,
    text_block,
)
from tenderflow_ingest.limits import IngestLimits


def extract(path: Path, limits: IngestLimits) -> Extraction:
    """Parse safely and turn the document into one unit per meaningful section."""
    size = path.stat().st_size
    if size > limits.max_xml_bytes:
        reason = f"XML document is {size} bytes; at most {limits.max_xml_bytes} allowed"
        raise ExtractionError("too_large", reason)
    root = parse_safely(path, limits.max_xml_depth)
    warnings: list[str] = []
    if is_ted_notice(root):
        sections, language = ted_sections(root)
        if language is None:
            warnings.append("TED notice without a language: kept the first form")
    else:
        sections = generic_sections(root)
    units = units_from_sections(sections, limits, warnings)
    return Extraction(doc_type="xml", units=units, pages=0, warnings=warnings)


def parse_safely(path: Path, max_depth: int) -> Element:
    """Parse with entities, external references and network access forbidden, refusing deep nesting early."""
    depth = 0
    root: Element | None = None
    try:
        for event, element in safe_tree.iterparse(str(path), events=("start", "end")):
            if event == "start":
                depth += 1
                root = element if root is None else root
                if depth > max_depth:
                    raise ExtractionError("xml_too_deep", f"XML nesting is deeper than {max_depth} levels")
            else:
                depth -= 1
    except DefusedXmlException as error:
        reason = f"XML uses forbidden constructs ({type(error).__name__})"
        raise ExtractionError("unsafe_xml", reason) from error
    except ParseError as error:
        raise ExtractionError("corrupt_xml", f"XML cannot be parsed: {error}") from error
    if root is None:
        raise ExtractionError("corrupt_xml", "XML has no root element")
    return root


def generic_sections(root: Element) -> list[XmlSection]:
    """One section per child of the root that has structure; the root's own leaves share one section.

    Wrapper elements with a single child are looked through, so `<export><notices>...` splits per notice.
    """
    base, container = local_name(root.tag), root
    children = list(named_children(container))
    while len(children) == 1 and _has_structure(children[0][1]) and not container.attrib:
        base, container = f"{base}/{children[0][0]}", children[0][1]
        children = list(named_children(container))
    if not _has_structure(container):
        return [XmlSection(base, flatten_element(container, base))]
    own_lines = flatten_element(container, base, keep=lambda _: False)
    sections: list[XmlSection] = []
    for step, child in children:
        if _has_structure(child):
            sections.append(XmlSection(f"{base}/{step}", flatten_element(child, step)))
        else:
            own_lines.extend(flatten_element(child, step))
    if own_lines:
        sections.insert(0, XmlSection(base, own_lines))
    return [section for section in sections if section.lines]


def _has_structure(element: Element) -> bool:
    """Elements with children, other than paragraph text, deserve a section of their own."""
    return len(element) > 0 and text_block(element) is None
