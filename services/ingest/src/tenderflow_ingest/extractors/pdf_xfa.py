"""Filled values of dynamic LiveCycle (XFA-only) forms, which have no AcroForm widgets for pdfium to read.

The values live in the XFA `datasets` packet, one element per field; the `template` packet gives a field its
tooltip or caption and says which fields are check boxes. Elements bind to fields by name, so a name used by
several template fields gets no tooltip rather than a guessed one. The lines go on page 1: dynamic forms are laid
out by the viewer, so the PDF holds no page for a value.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from tenderflow_ingest.extractors.pdf_form_labels import FilledField, field_label, field_lines, one_line
from tenderflow_ingest.limits import IngestLimits


@dataclass(frozen=True)
class _TemplateField:
    """What the template says about a field name: its words, if unambiguous, and its check-box on-values."""

    tooltip: str
    on_values: frozenset[str] | None


def xfa_fields(document: pdfium.PdfDocument, limits: IngestLimits, warnings: list[str]) -> list[str]:
    """`label: value` lines of a dynamic XFA form's filled fields; empty when the PDF is not one."""
    if pdfium_c.FPDF_GetFormType(document.raw) != pdfium_c.FORMTYPE_XFA_FULL:
        return []
    packets = _packets(document, limits, warnings)
    datasets, template = packets.get("datasets"), packets.get("template")
    if datasets is None:
        return []
    data = next((element for element in datasets.iter() if _local(element.tag) == "data"), datasets)
    fields = _template_fields(template) if template is not None else {}
    filled: list[FilledField] = []
    valued = shortened = 0
    for element in data.iter():
        if element is data or len(element):
            continue
        name = _local(element.tag)
        known = fields.get(name)
        value = one_line(element.text or "")
        is_box = known is not None and known.on_values is not None
        if is_box:
            value = "Yes" if value in known.on_values else ""
        elif not value:
            continue
        if len(value) > limits.max_form_value_chars:
            value = value[: limits.max_form_value_chars]
            shortened += 1
        if value and valued == limits.max_form_fields:
            warnings.append(f"PDF form: reading stopped at max_form_fields ({limits.max_form_fields} filled "
                            "fields); any further fields were not read")
            break
        valued += bool(value)
        filled.append(FilledField(field_label(known.tooltip if known else "", name), value, is_box))
    if shortened:
        warnings.append(f"PDF form: {shortened} field value(s) cut to {limits.max_form_value_chars} characters "
                        "(max_form_value_chars)")
    return field_lines(filled)


def _packets(document: pdfium.PdfDocument, limits: IngestLimits, warnings: list[str]) -> dict[str, Element]:
    """The datasets and template packets, whether stored one by one or as a single XDP stream."""
    packets: dict[str, Element] = {}
    for index in range(pdfium_c.FPDF_GetXFAPacketCount(document.raw)):
        # The preamble and postamble are fragments of the XDP root, not XML of their own.
        if _packet_name(document, index) not in ("", "datasets", "template"):
            continue
        content = _packet_content(document, index, limits.max_xml_bytes)
        if content is None:
            warnings.append(f"PDF form: an XFA packet over {limits.max_xml_bytes} bytes was not read (max_xml_bytes)")
            continue
        if not content.strip():
            continue
        try:
            root = ElementTree.fromstring(content)
        except (ElementTree.ParseError, DefusedXmlException) as error:
            warnings.append(f"PDF form: an XFA packet is not well-formed XML ({error}); it was not read")
            continue
        # A single stream holds every packet under one xdp:xdp root.
        for element in (root, *root):
            if _local(element.tag) in ("datasets", "template"):
                packets.setdefault(_local(element.tag), element)
    return packets


def _packet_name(document: pdfium.PdfDocument, index: int) -> str:
    size = pdfium_c.FPDF_GetXFAPacketName(document.raw, index, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDF_GetXFAPacketName(document.raw, index, buffer, size)
    return buffer.value.decode("latin-1")


def _packet_content(document: pdfium.PdfDocument, index: int, limit: int) -> bytes | None:
    size = ctypes.c_ulong(0)
    pdfium_c.FPDF_GetXFAPacketContent(document.raw, index, None, 0, ctypes.byref(size))
    if size.value > limit:
        return None
    buffer = ctypes.create_string_buffer(size.value)
    pdfium_c.FPDF_GetXFAPacketContent(document.raw, index, buffer, size.value, ctypes.byref(size))
    return buffer.raw[: size.value]


def _template_fields(template: Element) -> dict[str, _TemplateField]:
    by_name: dict[str, list[Element]] = {}
    for element in template.iter():
        if _local(element.tag) == "field" and element.get("name"):
            by_name.setdefault(element.get("name", ""), []).append(element)
    return {name: _describe(elements) for name, elements in by_name.items()}


def _describe(elements: list[Element]) -> _TemplateField:
    tooltip = _words(elements[0]) if len(elements) == 1 else ""
    if not all(_child(_child(element, "ui"), "checkButton") is not None for element in elements):
        return _TemplateField(tooltip, None)
    # A check box's first item is its on-value; without items it is 1.
    on_values = set()
    for element in elements:
        items = _child(element, "items")
        first = next(iter(items), None) if items is not None else None
        on_values.add((first.text or "").strip() if first is not None else "1")
    return _TemplateField(tooltip, frozenset(on_values))


def _words(field: Element) -> str:
    """The field's tooltip, else its caption's text."""
    for path in (("assist", "toolTip"), ("caption", "value", "text")):
        element: Element | None = field
        for step in path:
            element = _child(element, step)
        if element is not None and (element.text or "").strip():
            return element.text or ""
    return ""


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
