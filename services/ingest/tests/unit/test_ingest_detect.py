"""Type detection looks at content only; names are at most a hint for single-column CSVs."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from tenderflow_ingest.detect import detect_type


def detect(tmp_path: Path, content: bytes, name: str | None = None) -> str | None:
    path = tmp_path / "document.bin"
    path.write_bytes(content)
    return detect_type(path, name)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\r\n\x00junk before the header %PDF-1.4\n", "pdf"),
        (b'{"releases": []}', "json"),
        (b'  \n\t{\n  "a": 1}', "json"),
        (codecs.BOM_UTF8 + b'{"a": 1}', "json"),
        (codecs.BOM_UTF16_LE + '{"a": 1}'.encode("utf-16-le"), "json"),
        (b"[1, 2, 3]", "json"),
        (b'[{"id": 1}]', "json"),
        (b"[]", "json"),
        (b"{}", "json"),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<TED_EXPORT/>', "xml"),
        (b"<notice><title>x</title></notice>", "xml"),
        (b"<!-- generated -->\n<notice/>", "xml"),
        (codecs.BOM_UTF16_LE + '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16-le"), "xml"),
        (b"Lot,Title,Value\n1,Roads,100\n2,Bridges,200\n", "csv"),
        (b"Lot;Title;Value\r\n1;Roads;100\r\n2;Bridges;200\r\n", "csv"),
        (b"Lot\tTitle\tValue\n1\tRoads\t100\n", "csv"),
        ("Nom;Ville\nSociété;Zürich\n".encode("cp1252"), "csv"),
        (b"[Lot 1];Roads;100\n[Lot 2];Bridges;200\n", "csv"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", None),
        (b"<html><body>hi</body></html>", None),
        (b"Just a note without any structure.", "text"),
        (b"# Tender\n\nSite visit on Monday.\n", "text"),
        (b"", None),
        (b"   \n\n ", None),
        (b"\x00\x01\x02\x03" * 100, None),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)), None),
    ],
)
def test_content_decides_the_type(tmp_path: Path, content: bytes, expected: str | None) -> None:
    assert detect(tmp_path, content) == expected


def test_random_binary_is_not_a_document(tmp_path: Path) -> None:
    for _ in range(20):
        assert detect(tmp_path, os.urandom(4096)) is None


def test_a_name_does_not_make_a_pdf(tmp_path: Path) -> None:
    assert detect(tmp_path, b"hello", name="tender.pdf") == "text"


def test_single_column_text_is_csv_only_when_named_csv(tmp_path: Path) -> None:
    content = b"cpv\n45000000\n71000000\n"
    assert detect(tmp_path, content) == "text"
    assert detect(tmp_path, content, name="codes.CSV") == "csv"


def test_a_large_csv_is_judged_on_complete_lines(tmp_path: Path) -> None:
    content = b"Lot;Title;Value\n" + b"1;Roads and bridges;100\n" * 10_000
    assert detect(tmp_path, content) == "csv"
