"""JSON: nesting bombs refused before parsing; OCDS split into buyer, tender, lot, award and party units."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.base import Extraction, ExtractionError
from tenderflow_ingest.extractors.json_shape import TooDeep, describe
from tenderflow_ingest.limits import IngestLimits

RELEASE = {
    "ocid": "ocds-abc-001",
    "id": "r1",
    "date": "2024-03-01T00:00:00Z",
    "tag": ["tender"],
    "buyer": {"id": "GB-CITY", "name": "  City of Leeds  "},
    "parties": [
        {
            "id": "GB-CITY",
            "name": "City of Leeds",
            "roles": ["buyer"],
            "address": {"streetAddress": "Civic Hall", "locality": "Leeds", "postalCode": "LS1 1UR"},
            "contactPoint": {"name": "Procurement Team", "email": "tenders@leeds.example"},
        },
        {"id": "GB-ACME", "name": "Acme Roads Ltd", "roles": ["supplier"]},
    ],
    "tender": {
        "id": "T-1",
        "title": "Highway maintenance",
        "description": "<p>Resurfacing &amp; drainage</p><p>Two lots.</p>",
        "value": {"amount": 2500000, "currency": "GBP"},
        "procurementMethod": "open",
        "tenderPeriod": {"endDate": "2024-04-15T12:00:00Z"},
        "items": [
            {"id": "i1", "relatedLot": "L1", "classification": {"scheme": "CPV", "id": "45233141"}},
            {"id": "i2", "relatedLot": "L2", "classification": {"scheme": "CPV", "id": "45232450"}},
        ],
        "lots": [
            {"id": "L1", "title": "Resurfacing", "value": {"amount": 1500000, "currency": "GBP"}},
            {"id": "L2", "title": "Drainage", "value": {"amount": 1000000, "currency": "GBP"}},
        ],
        "documents": [{"id": "d1", "title": "Specification", "url": "https://example.org/spec.pdf"}],
    },
    "awards": [
        {
            "id": "a1",
            "status": "active",
            "suppliers": [{"id": "GB-ACME", "name": "Acme Roads Ltd"}],
            "value": {"amount": 1450000, "currency": "GBP"},
        }
    ],
}


def write_json(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def exceeds_depth(text: str, limit: int) -> bool:
    try:
        describe(io.BytesIO(text.encode()), limit)
    except TooDeep:
        return True
    return False


def units_by_path(extraction: Extraction) -> dict[str | None, str]:
    return {unit.path: unit.text for unit in extraction.units}


def test_a_nesting_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        extract(path, "json", IngestLimits())
    assert caught.value.code == "json_too_deep"
    assert time.monotonic() - started < 1.0


def test_an_unclosed_nesting_bomb_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json"
    path.write_text('{"a":' * 100_000)
    with pytest.raises(ExtractionError) as caught:
        extract(path, "json", IngestLimits())
    assert caught.value.code == "json_too_deep"


def test_depth_at_the_limit_is_fine_and_one_more_is_not(tmp_path: Path) -> None:
    limits = IngestLimits(max_json_depth=64)
    at_limit = tmp_path / "ok.json"
    at_limit.write_text("[" * 64 + "1" + "]" * 64)
    assert extract(at_limit, "json", limits).units
    over = tmp_path / "over.json"
    over.write_text("[" * 65 + "1" + "]" * 65)
    with pytest.raises(ExtractionError):
        extract(over, "json", limits)


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = json.dumps({"note": "[[[[[[[[[[{{{{{{{{", "escaped": 'say \\"[[[[[[[[[[\\" twice'})
    assert not exceeds_depth(text, 2)
    assert exceeds_depth('[[["]]]"]]', 2)


def test_broken_json_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"a": [1, 2,}')
    with pytest.raises(ExtractionError) as caught:
        extract(path, "json", IngestLimits())
    assert caught.value.code == "corrupt_json"


def test_an_oversized_document_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(write_json(tmp_path, {"a": "x" * 2000}), "json", IngestLimits(max_json_bytes=1000))
    assert caught.value.code == "too_large"


def test_a_release_package_is_split_into_sections(tmp_path: Path) -> None:
    package = {
        "uri": "https://example.org/p.json",
        "publisher": {"name": "Leeds Open Data"},
        "releases": [RELEASE],
    }
    units = units_by_path(extract(write_json(tmp_path, package), "json", IngestLimits()))
    assert list(units) == [
        "releases[0].buyer",
        "releases[0].tender",
        "releases[0].tender.lots[0]",
        "releases[0].tender.lots[1]",
        "releases[0].awards[0]",
        "releases[0].parties[0]",
        "releases[0].parties[1]",
        "releases[0]",
        "$",
    ]
    buyer = units["releases[0].buyer"]
    assert buyer.splitlines()[0] == "releases[0].ocid: ocds-abc-001"
    assert "releases[0].buyer.name: City of Leeds" in buyer
    assert "releases[0].parties[0].address.locality: Leeds" in buyer
    assert "releases[0].parties[0].contactPoint.email: tenders@leeds.example" in buyer
    tender = units["releases[0].tender"]
    assert "releases[0].tender.description: Resurfacing & drainage Two lots." in tender
    assert "releases[0].tender.value.amount: 2500000" in tender
    assert "releases[0].tender.tenderPeriod.endDate: 2024-04-15T12:00:00Z" in tender
    assert "releases[0].tender.documents[0].title: Specification" in tender
    assert ".lots[" not in tender
    lot = units["releases[0].tender.lots[1]"]
    assert "releases[0].tender.lots[1].title: Drainage" in lot
    assert "releases[0].tender.items[1].classification.id: 45232450" in lot
    assert "45233141" not in lot
    assert "releases[0].awards[0].suppliers[0].name: Acme Roads Ltd" in units["releases[0].awards[0]"]
    assert units["releases[0]"].splitlines() == [
        "releases[0].ocid: ocds-abc-001",
        "releases[0].id: r1",
        "releases[0].date: 2024-03-01T00:00:00Z",
        "releases[0].tag[0]: tender",
    ]
    assert units["$"].splitlines() == ["uri: https://example.org/p.json", "publisher.name: Leeds Open Data"]


def test_a_record_package_uses_the_compiled_release(tmp_path: Path) -> None:
    record = {
        "ocid": "ocds-abc-001",
        "compiledRelease": RELEASE,
        "releases": [{"url": "https://example.org/r1.json", "date": "2024-03-01"}],
    }
    units = units_by_path(extract(write_json(tmp_path, {"records": [record]}), "json", IngestLimits()))
    assert "records[0].compiledRelease.buyer" in units
    assert "records[0].compiledRelease.tender.lots[0]" in units
    assert not any("versionedRelease" in (path or "") for path in units)


def test_a_record_package_without_compiled_release_reads_its_full_releases(tmp_path: Path) -> None:
    record = {"ocid": "ocds-abc-001", "releases": [RELEASE]}
    units = units_by_path(extract(write_json(tmp_path, {"records": [record]}), "json", IngestLimits()))
    assert "records[0].releases[0].buyer" in units


def test_a_single_release_uses_plain_paths(tmp_path: Path) -> None:
    units = units_by_path(extract(write_json(tmp_path, RELEASE), "json", IngestLimits()))
    assert "buyer" in units and "tender.lots[0]" in units and "$" in units
    assert "buyer.name: City of Leeds" in units["buyer"]


def test_a_buyer_without_id_is_joined_with_the_party_in_the_buyer_role(tmp_path: Path) -> None:
    release = {**RELEASE, "buyer": {"name": "City of Leeds"}}
    units = units_by_path(extract(write_json(tmp_path, release), "json", IngestLimits()))
    assert "parties[0].contactPoint.email: tenders@leeds.example" in units["buyer"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            {"title": "Roads", "lots": [{"n": 1}, {"n": 2}], "empty": None},
            {"title": "title: Roads", "lots": "lots[0].n: 1\nlots[1].n: 2"},
        ),
        ([{"lot": 1}, {"lot": 2}], {"[0]": "[0].lot: 1", "[1]": "[1].lot: 2"}),
        ("just a string", {"$": "$: just a string"}),
        ({"flag": True, "ratio": 0.5}, {"flag": "flag: true", "ratio": "ratio: 0.5"}),
    ],
)
def test_other_json_gets_one_unit_per_top_level_key_or_item(
    tmp_path: Path, document: Any, expected: dict
) -> None:
    assert units_by_path(extract(write_json(tmp_path, document), "json", IngestLimits())) == expected


def test_long_sections_are_split_into_capped_units(tmp_path: Path) -> None:
    document = {"items": [f"item number {i} " + "x" * 80 for i in range(100)]}
    extraction = extract(write_json(tmp_path, document), "json", IngestLimits(max_unit_chars=1000))
    assert len(extraction.units) > 5
    assert all(len(unit.text) <= 1000 and unit.path == "items" for unit in extraction.units)


def test_unit_count_is_capped_with_a_warning(tmp_path: Path) -> None:
    extraction = extract(
        write_json(tmp_path, list(range(50))), "json", IngestLimits(max_units_per_document=5)
    )
    assert len(extraction.units) == 5
    assert extraction.warnings == ["kept the first 5 of 50 sections"]


def test_legacy_encoded_json_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.json"
    path.write_bytes('{"buyer": "Société Générale, Zürich"}'.encode("cp1252"))
    extraction = extract(path, "json", IngestLimits())
    assert extraction.units[0].text == "buyer: Société Générale, Zürich"
    assert extraction.warnings == ["decoded as cp1252"]


def test_a_single_record_reads_its_compiled_release_and_leaves_out_the_rest(tmp_path: Path) -> None:
    record = {"ocid": "ocds-abc-001", "releases": [RELEASE], "versionedRelease": {"tender": {"title": []}},
              "compiledRelease": RELEASE, "note": "single record"}
    units = units_by_path(extract(write_json(tmp_path, record), "json", IngestLimits()))
    assert "compiledRelease.buyer" in units and "compiledRelease.tender.lots[1]" in units
    assert units["$"].splitlines() == ["ocid: ocds-abc-001", "note: single record"]
    assert not any(path.startswith(("releases", "versionedRelease")) for path in units)


def test_records_found_after_other_lists_still_decide_the_form(tmp_path: Path) -> None:
    package = {"releases": [{"url": "https://example.org/r1.json"}], "records": [{"compiledRelease": RELEASE}],
               "publisher": {"name": "Leeds Open Data"}}
    units = units_by_path(extract(write_json(tmp_path, package), "json", IngestLimits()))
    assert list(units)[0] == "records[0].compiledRelease.buyer"
    assert units["$"].splitlines() == ["releases[0].url: https://example.org/r1.json",
                                       "publisher.name: Leeds Open Data"]


def test_a_repeated_key_keeps_its_first_place_and_its_last_value(tmp_path: Path) -> None:
    path = tmp_path / "repeated.json"
    path.write_text('{"title": "Roads", "lot": 1, "title": "Bridges"}', encoding="utf-8")
    assert units_by_path(extract(path, "json", IngestLimits())) == {"title": "title: Bridges", "lot": "lot: 1"}
