"""Filled PDF forms: field values reach the page's unit as `label: value` lines, within the form limits."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.pdf_form_labels import field_label, option_of
from tenderflow_ingest.limits import IngestLimits

SF1449 = next(
    (
        parent / "shared" / "data" / "tenders" / "us" / "gsa-dol-14c-sf1449.pdf"
        for parent in Path(__file__).resolve().parents
        if (parent / "shared" / "data" / "tenders" / "us" / "gsa-dol-14c-sf1449.pdf").is_file()
    ),
    None,
)
# What the answering service takes for a `key: value` line: a key of at most six words, not ending in a digit.
KEYED_LINE = re.compile(r"^(?P<key>[^:\n]{1,120}?):\s+\S")


def _box(writer: PdfWriter, page: int, rect: tuple[int, int, int, int], **entries: object) -> DictionaryObject:
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject(FloatObject(value) for value in rect),
        NameObject("/F"): NumberObject(4),
        NameObject("/P"): writer.pages[page].indirect_reference,
        NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
    })
    widget.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return widget


def _states(writer: PdfWriter, on: str) -> DictionaryObject:
    """Appearances for a check box or radio button, which is how a viewer learns the box's on-state name."""
    look = writer._add_object(StreamObject())
    return DictionaryObject({
        NameObject("/N"): DictionaryObject({NameObject(f"/{on}"): look, NameObject("/Off"): look}),
    })


def _add(writer: PdfWriter, page: int, field: DictionaryObject) -> None:
    reference = writer._add_object(field)
    writer.pages[page][NameObject("/Annots")].append(reference)
    writer.root_object[NameObject("/AcroForm")][NameObject("/Fields")].append(reference)


def filled_form() -> bytes:
    """Two pages: printed text on the first, fields on both, some left empty or unticked."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Request for quotation - fill in the boxes below")
    pdf.add_page()
    writer = PdfWriter(clone_from=io.BytesIO(bytes(pdf.output())))
    for page in writer.pages:
        page[NameObject("/Annots")] = ArrayObject()
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/NeedAppearances"): BooleanObject(True),
    })
    text = NameObject("/Tx")
    button = NameObject("/Btn")
    _add(writer, 0, _box(writer, 0, (50, 700, 250, 720), FT=text, T=TextStringObject("closing"),
                         TU=TextStringObject("8. OFFER DUE DATE Enter 2 digit month and day"),
                         V=TextStringObject("2025-03-14 12:00")))
    _add(writer, 0, _box(writer, 0, (50, 660, 250, 680), FT=text, T=TextStringObject("remarks"),
                         TU=TextStringObject("Remarks"), V=TextStringObject("")))
    _add(writer, 0, _box(writer, 0, (50, 620, 60, 630), FT=button, T=TextStringObject("lots"),
                         TU=TextStringObject("Lots allowed"), V=NameObject("/Yes"), AS=NameObject("/Yes"),
                         AP=_states(writer, "Yes")))
    _add(writer, 0, _box(writer, 0, (50, 600, 60, 610), FT=button, T=TextStringObject("variants"),
                         TU=TextStringObject("Variants allowed"), V=NameObject("/Off"), AS=NameObject("/Off"),
                         AP=_states(writer, "Yes")))
    for offset, (option, state) in enumerate((("LOWEST PRICE", "Yes"), ("BEST PRICE-QUALITY RATIO", "Off"))):
        _add(writer, 0, _box(writer, 0, (150 + 40 * offset, 600, 160 + 40 * offset, 610), FT=button,
                             T=TextStringObject(f"criterion{offset}"),
                             TU=TextStringObject(f"7. AWARD CRITERION {option}"),
                             V=NameObject(f"/{state}"), AS=NameObject(f"/{state}"), AP=_states(writer, "Yes")))
    hidden = _box(writer, 0, (50, 520, 250, 540), FT=text, T=TextStringObject("checksum"),
                  TU=TextStringObject("Internal checksum"), V=TextStringObject("a1b2c3"))
    hidden[NameObject("/F")] = NumberObject(2)  # hidden: a reader of the form never sees it
    _add(writer, 0, hidden)
    _add(writer, 0, _box(writer, 0, (50, 480, 250, 500), FT=NameObject("/Sig"), T=TextStringObject("Signature1"),
                         TU=TextStringObject("Signed by"),
                         V=DictionaryObject({NameObject("/Name"): TextStringObject("Contracting officer")})))
    radio = DictionaryObject({
        NameObject("/FT"): button,
        NameObject("/Ff"): NumberObject(49152),  # radio button, never all off
        NameObject("/T"): TextStringObject("procedure"),
        NameObject("/TU"): TextStringObject("Procedure:"),
        NameObject("/V"): NameObject("/Restricted"),
        NameObject("/Kids"): ArrayObject(),
    })
    radio_reference = writer._add_object(radio)
    writer.root_object[NameObject("/AcroForm")][NameObject("/Fields")].append(radio_reference)
    for offset, option in enumerate(("Open", "Restricted")):
        kid = _box(writer, 0, (50 + 40 * offset, 560, 60 + 40 * offset, 570), Parent=radio_reference,
                   AS=NameObject(f"/{option}" if option == "Restricted" else "/Off"), AP=_states(writer, option))
        kid_reference = writer._add_object(kid)
        radio[NameObject("/Kids")].append(kid_reference)
        writer.pages[0][NameObject("/Annots")].append(kid_reference)
    _add(writer, 1, _box(writer, 1, (50, 700, 250, 740), FT=text, T=TextStringObject("form1[0].page2[0].ISSUED_BY[0]"),
                         V=TextStringObject("City of Leeds\rHighways Department\r")))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def extract_form(tmp_path: Path, limits: IngestLimits | None = None):
    path = tmp_path / "form.pdf"
    path.write_bytes(filled_form())
    return extract(path, "pdf", limits or IngestLimits())


def test_filled_fields_are_lines_on_their_page(tmp_path: Path) -> None:
    extraction = extract_form(tmp_path)
    pages = {unit.page: unit.text.splitlines() for unit in extraction.units}

    assert pages[1][0].startswith("Request for quotation")
    assert pages[1][1:] == [
        "OFFER DUE DATE: 2025-03-14 12:00",
        "Lots allowed: Yes",
        # Boxes that share their first words are one question; the ticked one answers it.
        "AWARD CRITERION: LOWEST PRICE",
        "Procedure: Restricted",
    ]
    # A page holding nothing but fields still becomes a unit; the name stands in for a missing tooltip.
    assert pages[2] == ["Issued by: City of Leeds, Highways Department"]
    assert extraction.warnings == []


def test_empty_unticked_hidden_and_signature_fields_are_left_out(tmp_path: Path) -> None:
    text = "\n".join(unit.text for unit in extract_form(tmp_path).units)

    assert "Remarks" not in text
    assert "Variants" not in text
    assert "Off" not in text
    assert "Open" not in text
    assert "QUALITY" not in text
    assert "checksum" not in text
    assert "Signed by" not in text


def test_fields_per_document_and_characters_per_value_are_bounded(tmp_path: Path) -> None:
    extraction = extract_form(tmp_path, IngestLimits(max_form_fields=2, max_form_value_chars=10))
    lines = [line for unit in extraction.units for line in unit.text.splitlines()[1:]]

    assert lines == ["OFFER DUE DATE: 2025-03-14", "Lots allowed: Yes"]
    assert any("max_form_fields" in warning for warning in extraction.warnings)
    assert any("max_form_value_chars" in warning for warning in extraction.warnings)


@pytest.mark.parametrize(
    ("tooltip", "name", "label"),
    [
        ("9. ISSUED BY", "", "ISSUED BY"),
        ("7. FOR SOLICITATION INFORMATION CALL:  b. TELEPHONE NUMBER  (No collect calls)", "",
         "FOR SOLICITATION INFORMATION CALL TELEPHONE NUMBER"),
        ("6. SOLICITATION ISSUE DATE.  Enter 2 digit month, 2 digit day and 4 digit year.", "",
         "SOLICITATION ISSUE DATE"),
        ("10. THIS ACQUISITION IS 8 (A)", "", "THIS ACQUISITION IS 8 (A)"),
        ("Fecha límite de presentación", "", "Fecha límite de presentación"),
        ("", "form1[0].page1[0].ISSUED_BY[0]", "Issued by"),
        ("", "contactEmail", "Contact email"),
        ("", "topmostSubform[0].Page1[0].TextField1[4]", "Text field (1)"),
        ("Address line 2", "", "Address line (2)"),
    ],
)
def test_labels_read_as_keys(tooltip: str, name: str, label: str) -> None:
    assert field_label(tooltip, name) == label
    keyed = KEYED_LINE.match(f"{label}: value")
    assert keyed is not None and keyed.group("key") == label
    assert not label[-1].isdigit()


@pytest.mark.parametrize("tooltip", ["(" + "a" * 200_000, "(a" * 100_000, "9. " * 100_000 + "ISSUED BY"])
def test_a_hostile_tooltip_gives_a_short_label_at_once(tooltip: str) -> None:
    started = time.monotonic()
    label = field_label(tooltip, "form1[0]." + "x" * 200_000)

    assert time.monotonic() - started < 1.0
    assert 0 < len(label) <= 120


@pytest.mark.parametrize(
    ("label", "siblings", "choice"),
    [
        ("METHOD OF SOLICITATION RFQ", ["METHOD OF SOLICITATION IFB", "METHOD OF SOLICITATION RFP"],
         ("METHOD OF SOLICITATION", "RFQ")),
        ("THIS ACQUISITION IS SMALL BUSINESS",
         ["THIS ACQUISITION IS SMALL BUSINESS EDWOSB", "THIS ACQUISITION IS 8 (A)"],
         ("THIS ACQUISITION IS", "SMALL BUSINESS")),
        ("ARE ATTACHED", ["ARE NOT ATTACHED"], None),
        ("Lots allowed", ["Variants allowed"], None),
        ("METHOD OF SOLICITATION RFQ", [], None),
    ],
)
def test_a_ticked_box_names_its_option_among_siblings(
    label: str, siblings: list[str], choice: tuple[str, str] | None
) -> None:
    assert option_of(label, [label, *siblings]) == choice


@pytest.mark.skipif(SF1449 is None, reason="shared/data/tenders is not next to this checkout")
def test_standard_form_1449_gives_its_filled_boxes() -> None:
    extraction = extract(SF1449, "pdf", IngestLimits())
    first_page = next(unit for unit in extraction.units if unit.page == 1)
    lines = first_page.text.splitlines()

    assert "SOLICITATION NUMBER: RFQ1204822" in lines
    assert "THIS ACQUISITION IS NAICS: 541519" in lines
    assert "METHOD OF SOLICITATION: RFQ" in lines
    assert not any(line.endswith(": Off") for line in lines)
    keyed = [KEYED_LINE.match(line) for line in lines if line.startswith(("ISSUED BY", "OFFER DUE DATE"))]
    assert len(keyed) == 2
    assert all(match and len(match.group("key").split()) <= 6 for match in keyed)


XFA_TEMPLATE = """<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="form1">
<field name="buyerName"><assist><toolTip>2. CONTRACTING AUTHORITY</toolTip></assist></field>
<field name="closingDate"><caption><value><text>Closing date</text></value></caption></field>
<field name="openProcedure"><ui><checkButton/></ui><items><integer>1</integer><integer>0</integer></items>
<assist><toolTip>Open procedure</toolTip></assist></field>
<field name="lotsAllowed"><ui><checkButton/></ui><assist><toolTip>Lots allowed</toolTip></assist></field>
<field name="restricted"><ui><checkButton/></ui><assist><toolTip>PROCEDURE TYPE RESTRICTED</toolTip></assist></field>
<field name="open"><ui><checkButton/></ui><assist><toolTip>PROCEDURE TYPE OPEN</toolTip></assist></field>
<field name="notes"/><field name="Date"/><field name="Date"/>
</subform></template>"""
XFA_DATASETS = """<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form1>
<buyerName>Ministry of Works</buyerName><closingDate>2025-05-02</closingDate><openProcedure>1</openProcedure>
<lotsAllowed>0</lotsAllowed><restricted>0</restricted><open>1</open><notes></notes><Date>2025-04-01</Date></form1></xfa:data></xfa:datasets>"""


def dynamic_xfa_form(datasets: str) -> bytes:
    """A LiveCycle form the viewer lays out itself: no widgets, only XFA packets, the first page a placeholder."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Please wait while the form loads")
    writer = PdfWriter(clone_from=io.BytesIO(bytes(pdf.output())))
    packets = ArrayObject()
    for name, xml in (("preamble", '<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">'), ("template", XFA_TEMPLATE),
                      ("datasets", datasets), ("postamble", "</xdp:xdp>")):
        stream = StreamObject()
        stream.set_data(xml.encode())
        packets.extend([TextStringObject(name), writer._add_object(stream)])
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): packets,
    })
    writer.root_object[NameObject("/NeedsRendering")] = BooleanObject(True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_dynamic_xfa_form_values_come_from_its_data(tmp_path: Path) -> None:
    path = tmp_path / "xfa.pdf"
    path.write_bytes(dynamic_xfa_form(XFA_DATASETS))
    extraction = extract(path, "pdf", IngestLimits())

    assert [unit.page for unit in extraction.units] == [1]
    assert extraction.units[0].text.splitlines()[1:] == [
        "CONTRACTING AUTHORITY: Ministry of Works",
        "Closing date: 2025-05-02",
        "Open procedure: Yes",
        "PROCEDURE TYPE: OPEN",
        # Two template fields are called Date: the value keeps the plain name rather than a guessed tooltip.
        "Date: 2025-04-01",
    ]
    assert extraction.warnings == []


def test_malformed_xfa_data_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "xfa.pdf"
    path.write_bytes(dynamic_xfa_form("<xfa:datasets><unclosed>"))
    extraction = extract(path, "pdf", IngestLimits())

    assert extraction.units[0].text.startswith("Please wait")
    assert ":" not in extraction.units[0].text
    assert any("XFA packet is not well-formed" in warning for warning in extraction.warnings)
