"""Splits TED notices into sections in one language, because TED repeats whole forms per language."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from tenderflow_ingest.extractors.xml_flatten import XmlSection, flatten_element, local_name, named_children

_KEPT_SECTIONS = ("CODED_DATA_SECTION", "TECHNICAL_SECTION", "TRANSLATION_SECTION")
# Lots (OBJECT_DESCR) each get their own section; the rest of OBJECT_CONTRACT stays together.
_SPLIT_CHILDREN = {"OBJECT_CONTRACT": "OBJECT_DESCR"}


def is_ted_notice(root: Element) -> bool:
    """TED exports share one root element whatever the schema version."""
    return local_name(root.tag) == "TED_EXPORT"


def ted_sections(root: Element) -> tuple[list[XmlSection], str | None]:
    """Sections of the original-language form plus the coded data, and the language they are in."""
    root_path = local_name(root.tag)
    form_section = _child(root, "FORM_SECTION")
    forms = [child for _, child in named_children(form_section)] if form_section is not None else []
    form = _original_form(forms, _original_language(root))
    language = (form.get("LG") if form is not None else None) or _original_language(root)

    def in_language(element: Element) -> bool:
        lang = element.get("LG")
        return lang is None or language is None or lang.strip().upper() == language.upper()

    header = [f"language: {language}"] if language else []
    sections: list[XmlSection] = []
    for step, child in named_children(root):
        if local_name(child.tag) in _KEPT_SECTIONS:
            lines = flatten_element(child, local_name(child.tag), in_language)
            sections.append(XmlSection(f"{root_path}/{step}", header + lines))
    if form is not None:
        form_path = f"{root_path}/FORM_SECTION/{_step_of(form_section, form)}"
        sections.extend(_form_sections(form, form_path, header))
    return [section for section in sections if len(section.lines) > len(header)], language


def _form_sections(form: Element, form_path: str, header: list[str]) -> list[XmlSection]:
    """One section per part of the form (contracting body, object, procedure...) and one per lot.

    The form's attributes and its childless parts (legal basis, notice type) share the form's own section.
    Older schemas wrap the parts in one more element (F02's FD_CONTRACT), which is looked through.
    """
    own_lines = flatten_element(form, form_path.rsplit("/", 1)[-1], keep=lambda element: len(element) == 0)
    body, body_path = form, form_path
    steps = list(named_children(body))
    while len(steps) == 1 and len(steps[0][1]) > 0:
        body, body_path = steps[0][1], f"{body_path}/{steps[0][0]}"
        own_lines += flatten_element(body, steps[0][0], keep=lambda element: len(element) == 0)
        steps = list(named_children(body))
    sections = [XmlSection(form_path, header + own_lines)]
    for step, part in steps:
        if len(part) > 0:
            sections.extend(_part_sections(part, step, f"{body_path}/{step}", header))
    return sections


def _part_sections(part: Element, step: str, part_path: str, header: list[str]) -> list[XmlSection]:
    split_tag = _SPLIT_CHILDREN.get(local_name(part.tag))
    if split_tag is None:
        return [XmlSection(part_path, header + flatten_element(part, step))]
    rest = flatten_element(part, step, keep=lambda element: local_name(element.tag) != split_tag)
    sections = [XmlSection(part_path, header + rest)]
    for child_step, child in named_children(part):
        if local_name(child.tag) == split_tag:
            child_lines = flatten_element(child, f"{step}/{child_step}")
            sections.append(XmlSection(f"{part_path}/{child_step}", header + child_lines))
    return sections


def _original_form(forms: list[Element], original_language: str | None) -> Element | None:
    """The form marked ORIGINAL, else the one in the notice's original language, else the first."""
    for form in forms:
        if (form.get("CATEGORY") or "").upper() == "ORIGINAL":
            return form
    for form in forms:
        if original_language and (form.get("LG") or "").upper() == original_language.upper():
            return form
    return forms[0] if forms else None


def _original_language(root: Element) -> str | None:
    coded = _child(root, "CODED_DATA_SECTION")
    notice = _child(coded, "NOTICE_DATA") if coded is not None else None
    lg_orig = _child(notice, "LG_ORIG") if notice is not None else None
    return (lg_orig.text or "").strip() or None if lg_orig is not None else None


def _child(element: Element, name: str) -> Element | None:
    matches = (child for child in element if isinstance(child.tag, str) and local_name(child.tag) == name)
    return next(matches, None)


def _step_of(parent: Element | None, target: Element) -> str:
    assert parent is not None
    return next(step for step, child in named_children(parent) if child is target)
