"""The bundled sample package: built reproducibly, with its four documents in their formats and encodings."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tenderflow_ingest.detect import detect_type
from tenderflow_questions.answering.questions import DEFAULT_QUESTION_SET

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXPECTED_TYPES = {
    "KHA-2023-014_contract-notice.pdf": "pdf",
    "KHA-2023-014_ocds-release-package.json": "json",
    "KHA-2023-014_price-schedule.csv": "csv",
    "KHA-2023-014_ted-notice.xml": "xml",
}


def build(output: Path) -> bytes:
    subprocess.run([sys.executable, str(SAMPLES / "make_sample.py"), str(output)], check=True)
    return output.read_bytes()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build(tmp_path_factory.mktemp("sample") / "sample.zip")))


def test_two_builds_are_byte_for_byte_identical(tmp_path: Path) -> None:
    """Each build runs in its own interpreter, so state kept within one process cannot hide a difference."""
    assert build(tmp_path / "first.zip") == build(tmp_path / "second.zip")


def test_the_output_folder_is_created_when_missing(tmp_path: Path) -> None:
    """`make demo` writes into `.run/`, which a fresh clone does not have."""
    assert zipfile.is_zipfile(io.BytesIO(build(tmp_path / "not-yet" / "there" / "sample.zip")))


def test_the_four_documents_are_there_in_name_order(package: zipfile.ZipFile) -> None:
    assert package.namelist() == sorted(EXPECTED_TYPES)
    assert package.testzip() is None


def test_each_document_is_detected_as_its_type(package: zipfile.ZipFile, tmp_path: Path) -> None:
    for name, expected in EXPECTED_TYPES.items():
        path = tmp_path / name
        path.write_bytes(package.read(name))
        assert detect_type(path, name) == expected, name


def test_the_documents_are_well_formed_in_their_formats(package: zipfile.ZipFile) -> None:
    pdf = PdfReader(io.BytesIO(package.read("KHA-2023-014_contract-notice.pdf")))
    assert len(pdf.pages) >= 2
    assert "Lot" in pdf.pages[1].extract_text()  # the lots table runs onto the second page
    ocds = json.loads(package.read("KHA-2023-014_ocds-release-package.json"))
    assert ocds["releases"][0]["ocid"].startswith("ocds-")
    assert package.read("KHA-2023-014_ted-notice.xml").startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_the_price_schedule_is_windows_1252_with_a_header_row(package: zipfile.ZipFile) -> None:
    data = package.read("KHA-2023-014_price-schedule.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert text.splitlines()[0] == "Lot;Item;Description;Unit;Quantity;Rate (€);Amount (€)"
    assert b"\x80" in data  # the euro sign, which Latin-1 does not have
    assert "An Ché Thuaidh" in text and "Caladh Uí Dhónaill" in text


def test_expected_answers_cover_the_default_question_set() -> None:
    expected = json.loads((SAMPLES / "expected-answers.json").read_text(encoding="utf-8"))
    assert list(expected) == [question.id for question in DEFAULT_QUESTION_SET.questions]
    for question_id, fragments in expected.items():
        assert fragments and all(isinstance(f, str) and f.strip() for f in fragments), question_id
