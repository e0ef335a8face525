"""The shared hostile corpus through the pure domain: reading, then extraction, give each case its verdicts.

The end-to-end suite sends the same packages through the gateway; this keeps their expectations honest at unit
speed and shows a failure in the domain before it shows as a job.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tenderflow_ingest.archive import read_package
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.testing.corpus import HostileCase, hostile_cases

MARKER = "unit-escape"
CASES = [case for case in hostile_cases(MARKER) if case.http_status is None]


def final_verdicts(package: Path, workdir: Path) -> tuple[str | None, dict[str, str | None]]:
    """The package code and per-file codes a job would report, as the pipeline derives them."""
    limits = IngestLimits()
    reading = read_package(package, workdir, limits)
    codes = {verdict.name: verdict.code for verdict in reading.verdicts}
    for spooled in reading.files:
        try:
            extract(spooled.path, spooled.doc_type, limits)
        except ExtractionError as error:
            codes[spooled.name] = error.code
    if reading.rejected:
        return reading.rejected_code, codes
    return (None if None in codes.values() else "no_usable_documents"), codes


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_hostile_package_gets_its_verdicts(tmp_path: Path, case: HostileCase) -> None:
    package = tmp_path / "package.zip"
    case.build(package)
    package_code, codes = final_verdicts(package, tmp_path / "work")
    assert package_code == case.package_code
    assert codes == dict(case.verdicts)
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p == Path("package.zip") or p.parts[0] == "work" for p in written), written
    assert not any(MARKER in str(p) for p in written)


def test_the_pdf_case_is_not_even_a_zip(tmp_path: Path) -> None:
    (case,) = [case for case in hostile_cases() if case.http_status is not None]
    package = tmp_path / "package.zip"
    case.build(package)
    assert read_package(package, tmp_path / "work", IngestLimits()).rejected_code == "not_a_zip"
