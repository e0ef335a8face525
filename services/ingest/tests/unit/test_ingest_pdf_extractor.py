"""PDF: one unit per page with its number, table rows kept on one line, page and time limits enforced."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.base import ExtractionError
from tenderflow_ingest.extractors.pdf_layout import choose_page_text
from tenderflow_ingest.limits import IngestLimits

LOTS = [
    (
        n,
        f"Resurfacing of district {n} roads and footways, including kerbs, gullies, drainage and markings",
        f"EUR {n * 125_000:,}",
        f"2024-{6 + n // 28:02d}-{1 + n % 28:02d}",
    )
    for n in range(1, 41)
]


def tender_pdf() -> bytes:
    """A realistic notice: a paragraph that wraps, then a lots table long enough to run over several pages."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.multi_cell(
        0,
        5,
        "Invitation to tender. The City of Leeds invites tenders for highway maintenance. "
        "Tenders must be submitted before the deadline stated for each lot in the table below, "
        "through the e-tendering portal only.",
    )
    pdf.ln(4)
    with pdf.table(col_widths=(12, 70, 30, 28), repeat_headings=1) as table:
        table.row(["Lot", "Description", "Estimated value", "Deadline"])
        for number, description, value, deadline in LOTS:
            table.row([str(number), description, value, deadline])
    return bytes(pdf.output())


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return path


def plain_pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"Section {number}: conditions of contract")
    return bytes(pdf.output())


def error_code(path: Path, limits: IngestLimits | None = None) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(path, "pdf", limits or IngestLimits())
    return caught.value.code


def test_every_page_becomes_a_unit_with_its_page_number(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, tender_pdf()), "pdf", IngestLimits())
    assert extraction.doc_type == "pdf"
    assert extraction.pages >= 3
    assert [unit.page for unit in extraction.units] == list(range(1, extraction.pages + 1))
    assert "City of Leeds" in extraction.units[0].text


def test_each_lot_row_keeps_value_and_deadline_on_one_line(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, tender_pdf()), "pdf", IngestLimits())
    lines = [line for unit in extraction.units for line in unit.text.splitlines()]
    for number, _, value, deadline in LOTS:
        row = [line for line in lines if value in line]
        assert len(row) == 1, f"lot {number}: {row}"
        assert deadline in row[0] and re.match(rf"^{number}\b", row[0]), row[0]


def test_lots_on_later_pages_are_cited_with_those_pages(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, tender_pdf()), "pdf", IngestLimits())
    last_lot_value = LOTS[-1][2]
    pages = [unit.page for unit in extraction.units if last_lot_value in unit.text]
    assert pages == [extraction.pages]


def test_plain_text_is_kept_when_it_already_holds_rows_together() -> None:
    plain = "Lot Title Value\n1 Roads 100\n2 Parks 200"
    layout = "Lot     Title     Value\n\n1       Roads     100\n\n2       Parks     200"
    assert choose_page_text(plain, layout) == plain


def test_layout_text_is_used_when_plain_text_breaks_rows_apart() -> None:
    plain = "Lot\nTitle\nValue\n1\nRoads\n100"
    layout = "Lot     Title     Value\n\n   1       Roads     100   "
    assert choose_page_text(plain, layout) == "Lot | Title | Value\n1 | Roads | 100"


def test_prose_pages_keep_plain_text() -> None:
    assert choose_page_text("Some prose.", "Some   prose.") == "Some prose."
    assert choose_page_text("Some prose.", None) == "Some prose."


def test_too_many_pages_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, plain_pdf(3))
    assert error_code(path, IngestLimits(max_pdf_pages=2)) == "too_many_pages"
    assert len(extract(path, "pdf", IngestLimits(max_pdf_pages=3)).units) == 3


def test_the_time_bound_stops_extraction(tmp_path: Path) -> None:
    assert error_code(write(tmp_path, plain_pdf(3)), IngestLimits(max_pdf_seconds=1e-9)) == "pdf_timeout"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n" + b"garbage " * 100, plain_pdf(1)[:300], b"%PDF-"],
    ids=["garbage", "truncated", "header-only"],
)
def test_broken_pdfs_are_corrupt(tmp_path: Path, data: bytes) -> None:
    assert error_code(write(tmp_path, data)) == "corrupt_pdf"


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(1))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    assert error_code(write(tmp_path, encrypted("secret"))) == "encrypted_pdf"


def test_a_pdf_locked_only_against_editing_is_read_with_a_warning(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, encrypted("")), "pdf", IngestLimits())
    assert "Section 1" in extraction.units[0].text
    assert extraction.warnings == ["PDF is encrypted with an empty user password; text was extracted"]


def test_a_pdf_without_text_warns_that_it_may_be_scanned(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    extraction = extract(write(tmp_path, bytes(pdf.output())), "pdf", IngestLimits())
    assert extraction.units == [] and extraction.pages == 1
    assert extraction.warnings == ["no extractable text: the PDF may be scanned images"]


def test_layout_pass_is_only_needed_where_rows_may_be_split():
    from tenderflow_ingest.extractors.pdf_layout import may_hold_split_rows

    prose = "\n".join(["The contracting authority invites tenders for the rehabilitation of the north quay wall."] * 8)
    split_cells = "Lot\nTitle\nValue\n1\nQuay wall\nEUR 2,350,000\n2\nPontoons\nEUR 1,420,000"
    assert not may_hold_split_rows(prose)
    assert not may_hold_split_rows("")
    assert may_hold_split_rows(split_cells)
