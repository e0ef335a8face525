"""Passages are read as normalized key/value fields with exact spans, whatever form the extractor wrote."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.fields import is_label, parse_fields, party_roles, passage_language


def _passage(text: str, doc_type: str, path: str | None = None) -> Passage:
    return Passage(chunk_id="d:0", document_id="d", file="f", doc_type=doc_type, text=text, path=path, score=0.0)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (
            "/TED_EXPORT/FORM_SECTION/F02_2014/CONTRACTING_BODY",
            "ADDRESS_CONTRACTING_BODY/OFFICIALNAME: Stadt Wien",
        ),
        (
            "/TED_EXPORT/FORM_SECTION/F02_2014/CONTRACTING_BODY",
            "CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/OFFICIALNAME: Stadt Wien",
        ),
        (
            "/TED_EXPORT/FORM_SECTION/F02_2014/CONTRACTING_BODY",
            "/TED_EXPORT/FORM_SECTION/F02_2014/CONTRACTING_BODY/ADDRESS_CONTRACTING_BODY/OFFICIALNAME:"
            " Stadt Wien",
        ),
    ],
)
def test_ted_keys_become_absolute_whichever_way_they_are_written(path: str, line: str) -> None:
    (field,) = parse_fields(_passage(line, "xml", path))

    assert (
        field.key == "ted_export.form_section.f02_2014.contracting_body.address_contracting_body.officialname"
    )
    assert field.value == "Stadt Wien"


def test_value_spans_are_exact_and_flags_span_their_line() -> None:
    text = "language: EN\nPROCEDURE/PT_OPEN\nPROCEDURE/DATE_RECEIPT_TENDERS:   2019-05-02  "
    passage = _passage(text, "xml", "/TED_EXPORT/FORM_SECTION/F02_2014/PROCEDURE")

    language, flag, deadline = parse_fields(passage)

    assert (language.key, language.value) == ("language", "EN")
    assert flag.key.endswith("procedure.pt_open") and flag.value == ""
    assert text[flag.start : flag.end] == "PROCEDURE/PT_OPEN"
    assert text[deadline.start : deadline.end] == "2019-05-02"
    assert passage_language(passage) == "EN"


def test_ted_attributes_keep_their_at_sign() -> None:
    (field,) = parse_fields(_passage("OBJECT_CONTRACT/VAL_TOTAL/@CURRENCY: GBP", "xml", "/X/OBJECT_CONTRACT"))

    assert field.key == "x.object_contract.val_total.@currency"


def test_ocds_indices_and_versioned_wrappers_are_dropped() -> None:
    text = (
        "releases[0].tender.tenderPeriod.endDate: 2024-03-01T12:00:00Z\n"
        "versionedRelease.parties[0].roles[0][0].value: buyer\n"
        "versionedRelease.parties[0].name_en[0].value: Agriculture and Agri-Food Canada\n"
        "releases[0].buyer.name: "
    )

    keys = [(field.key, field.value) for field in parse_fields(_passage(text, "json"))]

    assert keys == [
        ("releases.tender.tenderperiod.enddate", "2024-03-01T12:00:00Z"),
        ("versionedrelease.parties.roles", "buyer"),
        ("versionedrelease.parties.name_en", "Agriculture and Agri-Food Canada"),
        ("releases.buyer.name", ""),
    ]


def test_party_roles_are_grouped_per_party() -> None:
    text = (
        "parties[0].name: City\nparties[0].roles[0]: buyer\n"
        "parties[1].name: Acme\nparties[1].roles[0]: supplier"
    )

    assert party_roles(_passage(text, "json")) == {
        "parties[0]": frozenset({"buyer"}),
        "parties[1]": frozenset({"supplier"}),
    }


@pytest.mark.parametrize("doc_type", ["csv", "xlsx"])
def test_csv_and_spreadsheet_cells_are_fields_with_row_spans(doc_type: str) -> None:
    text = "Buyer: Stadt Wien; Closing date: 02.05.2019 10:00; Value: EUR 1,5 Mio"
    passage = _passage(text, doc_type)

    fields = parse_fields(passage)

    assert [(field.key, field.value) for field in fields] == [
        ("buyer", "Stadt Wien"),
        ("closing date", "02.05.2019 10:00"),
        ("value", "EUR 1,5 Mio"),
    ]
    assert all(text[field.start : field.end] == field.value for field in fields)
    assert all(is_label(passage, field) for field in fields)


@pytest.mark.parametrize(
    "line",
    [
        "Tenders must be received by 12:00 on 2 May 2019.",
        "See https://tenders.example/notice for details",
        "The works described below shall be completed in time: no delays",
    ],
)
def test_prose_lines_are_not_mistaken_for_fields(line: str) -> None:
    (field,) = parse_fields(_passage(line, "pdf"))

    assert field.is_prose and field.value == line


def test_pdf_labels_are_fields_but_json_paths_are_not_labels() -> None:
    pdf = _passage("Closing date: 2 May 2019", "pdf")
    json = _passage("releases[0].tender.title: Salt", "json")

    assert is_label(pdf, parse_fields(pdf)[0])
    assert not is_label(json, parse_fields(json)[0])
