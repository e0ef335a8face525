"""DOCX paragraphs and tables, and plain text and Markdown paragraphs, each with the place it came from."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from tenderflow_ingest.archive import read_package
from tenderflow_ingest.detect import detect_type
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.testing.office import minimal_xlsx, numbered_rows


def tender_docx(path: Path, table_rows: int = 2) -> Path:
    document = docx.Document()
    document.add_heading("Harbour works", level=1)
    document.add_paragraph("The port authority invites tenders for quay repairs.")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Lot", "Title", "Value"), strict=True):
        cell.text = text
    for number in range(1, table_rows + 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(number), f"Works {number}", f"{number * 100} EUR"
    document.add_paragraph("Closing date: 14 March 2025")
    target = path / "notice.docx"
    document.save(target)
    return target


def test_docx_paragraphs_and_table_rows_keep_their_place(tmp_path: Path) -> None:
    path = tender_docx(tmp_path)
    assert detect_type(path, "notice.docx") == "docx" and detect_type(path) == "docx"
    extraction = extract(path, "docx", IngestLimits())
    assert [(unit.path, unit.text) for unit in extraction.units] == [
        ("paragraph 1", "Harbour works"),
        ("paragraph 2", "The port authority invites tenders for quay repairs."),
        ("table 1, row 1", "Lot; Title; Value"),
        ("table 1, row 2", "Lot: 1; Title: Works 1; Value: 100 EUR"),
        ("table 1, row 3", "Lot: 2; Title: Works 2; Value: 200 EUR"),
        ("paragraph 3", "Closing date: 14 March 2025"),
    ]


def test_a_docx_with_a_huge_table_is_bounded_by_the_unit_limit(tmp_path: Path) -> None:
    path = tender_docx(tmp_path, table_rows=3000)
    extraction = extract(path, "docx", IngestLimits(max_units_per_document=500))
    assert len(extraction.units) == 500
    assert extraction.units[-1].path == "table 1, row 498"
    assert "kept the first 500 paragraphs and table rows" in extraction.warnings


def test_a_docx_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    path = tender_docx(tmp_path)
    with pytest.raises(ExtractionError) as caught:
        extract(path, "docx", IngestLimits(max_entries=3))
    assert caught.value.code == "too_many_entries"


def test_markdown_paragraphs_carry_their_heading_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "# Harbour works\n\nThe quay is old.\nIt needs repair.\n\n## Lots\n\nLot 1: quay wall\n\n"
        "```\n# not a heading\n```\n# Contact\nbuyer@port.example\n",
        encoding="utf-8",
    )
    assert detect_type(path, "notes.md") == "text"
    units = extract(path, "text", IngestLimits()).units
    assert [(unit.path, unit.text) for unit in units] == [
        ("Harbour works, line 1", "# Harbour works"),
        ("Harbour works, line 3", "The quay is old.\nIt needs repair."),
        ("Harbour works > Lots, line 6", "## Lots"),
        ("Harbour works > Lots, line 8", "Lot 1: quay wall"),
        ("Harbour works > Lots, line 10", "```\n# not a heading\n```"),
        ("Contact, line 13", "# Contact"),
        ("Contact, line 14", "buyer@port.example"),
    ]


def test_plain_text_in_a_legacy_encoding_is_split_into_paragraphs_by_line(tmp_path: Path) -> None:
    path = tmp_path / "README"
    text = "Appel d'offres\r\nTravaux du quai\r\n\r\n\r\nDate limite : 14 mars, société Défi\r\n"
    path.write_bytes(text.encode("cp1252"))
    assert detect_type(path, "README") == "text"
    extraction = extract(path, "text", IngestLimits(max_units_per_document=1))
    assert [(unit.path, unit.text) for unit in extraction.units] == [("line 1", "Appel d'offres\nTravaux du quai")]
    assert extraction.warnings == ["decoded as cp1252", "kept the first 1 paragraphs"]


def package(tmp_path: Path, files: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    target = tmp_path / "package.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_office_files_in_a_package_are_documents_and_other_zips_stay_nested_archives(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("a.txt", "x")
    files = {
        "prices.xlsx": minimal_xlsx(numbered_rows(3)),
        "notice.docx": tender_docx(tmp_path).read_bytes(),
        "annex.zip": inner.getvalue(),
        "prices-as.pdf": minimal_xlsx(numbered_rows(1)),
        "notes.txt": b"Site visit on Monday.\n",
    }
    reading = read_package(package(tmp_path, files), tmp_path / "work", IngestLimits())
    verdicts = {verdict.name: (verdict.doc_type, verdict.code) for verdict in reading.verdicts}
    assert verdicts == {
        "prices.xlsx": ("xlsx", None),
        "notice.docx": ("docx", None),
        "annex.zip": (None, "nested_archive"),
        "prices-as.pdf": (None, "type_mismatch"),
        "notes.txt": ("text", None),
    }
    reasons = {verdict.name: verdict.reason for verdict in reading.verdicts}
    assert reasons["annex.zip"] == "content is a ZIP archive; nested archives are not accepted"
    assert reasons["prices-as.pdf"] == "named .pdf but content is not a PDF (it is an XLSX workbook)"
