"""Every real published tender document in shared/data/tenders is detected, read and extracted sensibly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tenderflow_ingest.archive import read_package
from tenderflow_ingest.detect import detect_type
from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits


def find_tenders_folder() -> Path | None:
    """shared/ sits beside the repository checkout, on developer machines and in CI alike."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "tenders"
        if candidate.is_dir():
            return candidate
    return None


TENDERS = find_tenders_folder()
pytestmark = pytest.mark.skipif(TENDERS is None, reason="shared/data/tenders is not next to this checkout")
OCDS_FILES = sorted(TENDERS.glob("ocds/*.json")) if TENDERS else []
TED_FILES = sorted(TENDERS.glob("ted/*.xml")) if TENDERS else []

BUYERS = {
    "canada-buyandsell-01044-060931.json": "Agriculture and Agri-Food Canada",
    "montreal-0636358.json": "Infrastructures, voirie et transports",
    "nsw-1.json": "Public Works Advisory - North Coast Region",
    "nsw-2.json": "Public Works Advisory - Hunter New England Region",
}
CONTRACTING_BODIES = {
    "18-151256-001-EXP.xml": ("DE", "Gemeinde Balzers"),
    "19-090974-001-EXP.xml": ("FR", "EPS Paul Guiraud"),
    "20-155018-001-EXP.xml": ("DE", "Gemeinde Veitshöchheim"),
    "21-000061-001-EXP.xml": ("EN", "Highways England"),
    "21-364082-001-EXP.xml": ("DA", "Skive Fjernvarme A.m.b.A."),
}


def test_the_corpus_is_all_there() -> None:
    assert {p.name for p in OCDS_FILES} == set(BUYERS)
    assert {p.name for p in TED_FILES} == set(CONTRACTING_BODIES)


@pytest.mark.parametrize("path", OCDS_FILES, ids=lambda p: p.name)
def test_ocds_files_yield_a_buyer_unit_naming_the_buyer(path: Path) -> None:
    assert detect_type(path) == "json"
    extraction = extract(path, "json", IngestLimits())
    buyer_units = [unit for unit in extraction.units if (unit.path or "").endswith("buyer")]
    assert len(buyer_units) == 1
    assert BUYERS[path.name] in buyer_units[0].text
    assert all(unit.text.strip() and unit.path for unit in extraction.units)


def test_nsw_buyer_unit_holds_the_contact_and_the_tender_unit_the_deadline() -> None:
    extraction = extract(TENDERS / "ocds" / "nsw-1.json", "json", IngestLimits())
    units = {unit.path: unit.text for unit in extraction.units}
    assert (
        "releases[0].buyer.contactPoint.email: steve.prosser@finance.nsw.gov.au" in units["releases[0].buyer"]
    )
    tender = units["releases[0].tender"]
    assert "releases[0].tender.title: Lismore TAFE Flood Remediation Works" in tender
    assert "releases[0].tender.tenderPeriod.endDate: 2018-01-22T23:30:00Z" in tender
    assert "<p>" not in tender


def test_a_canadian_record_reads_the_compiled_release_once() -> None:
    extraction = extract(TENDERS / "ocds" / "canada-buyandsell-01044-060931.json", "json", IngestLimits())
    paths = [unit.path for unit in extraction.units]
    assert all(path == "$" or path.startswith("compiledRelease") for path in paths)
    assert "compiledRelease.contracts[0]" in paths


@pytest.mark.parametrize("path", TED_FILES, ids=lambda p: p.name)
def test_ted_notices_name_the_contracting_body_in_one_language(path: Path) -> None:
    assert detect_type(path) == "xml"
    extraction = extract(path, "xml", IngestLimits())
    language, body = CONTRACTING_BODIES[path.name]
    assert all(unit.text.startswith(f"language: {language}\n") for unit in extraction.units)
    bodies = [unit for unit in extraction.units if (unit.path or "").endswith("/CONTRACTING_BODY")]
    assert len(bodies) == 1
    assert f"OFFICIALNAME: {body}" in bodies[0].text
    translations = next(u.text for u in extraction.units if u.path == "TED_EXPORT/TRANSLATION_SECTION")
    assert set(line.split(": ")[1] for line in translations.splitlines() if "/@LG: " in line) == {language}


def test_a_ted_award_notice_has_one_unit_per_lot_and_award() -> None:
    extraction = extract(TENDERS / "ted" / "21-000061-001-EXP.xml", "xml", IngestLimits())
    paths = [unit.path or "" for unit in extraction.units]
    assert sum(path.endswith(("OBJECT_DESCR[1]", "OBJECT_DESCR[2]")) for path in paths) == 2
    assert sum("/AWARD_CONTRACT[" in path for path in paths) == 12
    lot_two = next(u.text for u in extraction.units if u.path and u.path.endswith("OBJECT_DESCR[2]"))
    assert "OBJECT_CONTRACT/OBJECT_DESCR[2]/TITLE: Procurement Advice" in lot_two
    assert "AC_CRITERION: Procurement knowledge" in lot_two


def test_the_whole_corpus_as_one_package_is_accepted_and_extracted(tmp_path: Path) -> None:
    package = tmp_path / "package.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in OCDS_FILES + TED_FILES:
            archive.write(path, f"{path.parent.name}/{path.name}")
    reading = read_package(package, tmp_path / "work", IngestLimits())
    assert not reading.rejected
    assert all(verdict.accepted for verdict in reading.verdicts)
    assert len(reading.files) == len(OCDS_FILES) + len(TED_FILES)
    for spooled in reading.files:
        extraction = extract(spooled.path, spooled.doc_type, IngestLimits())
        assert extraction.units, spooled.name
