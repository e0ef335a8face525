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
from tenderflow_ingest.extractors.pdf_layout import Box, page_lines
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


def test_boxes_on_one_baseline_are_one_line_with_columns_marked() -> None:
    boxes = [
        Box(300, 700, 340, 710, "Value"), Box(50, 700, 70, 710, "Lot"), Box(100, 700, 140, 710, "Title"),
        Box(50, 680, 56, 690, "1"), Box(100, 681, 150, 691, "Quay wall"), Box(300, 680, 360, 690, "2,350,000"),
    ]
    assert page_lines(boxes) == ["Lot | Title | Value", "1 | Quay wall | 2,350,000"]


def test_a_currency_sign_split_from_its_amount_is_joined_back() -> None:
    beside = [Box(300, 700, 312, 710, "R$"), Box(340, 700, 380, 710, "75,53")]
    above = [Box(300, 700, 312, 710, "R$"), Box(300, 686, 340, 696, "5.160,00")]
    after = [Box(300, 700, 340, 710, "1 200,00"), Box(360, 700, 380, 710, "руб.")]
    assert page_lines(beside) == ["R$ 75,53"]
    assert page_lines(above) == ["R$ 5.160,00"]
    assert page_lines(after) == ["1 200,00 руб."]


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


def test_a_pdf_without_text_or_images_has_no_text_layer(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    assert error_code(write(tmp_path, bytes(pdf.output()))) == "no_text_layer"


def letterhead_pdf(pages: int) -> bytes:
    """A notice with a letterhead and a "Page n of N" footer on every page, as municipalities print them."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_xy(10, 10)
        pdf.cell(0, 5, "MUNICIPALITY OF NORTHHAVEN - Procurement Office", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, "Harbour Road 1, Northhaven", new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(10, 60)
        for line in range(1, 6):
            pdf.cell(0, 6, f"Clause {number}.{line}: the supplier delivers item {number * 10 + line}.",
                     new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(10, 280)
        pdf.cell(0, 5, f"Page {number} of {pages}", align="C")
    return bytes(pdf.output())


def test_running_headers_and_page_numbers_stay_out_of_the_units(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, letterhead_pdf(5)), "pdf", IngestLimits())
    assert [unit.page for unit in extraction.units] == [1, 2, 3, 4, 5]
    texts = [unit.text for unit in extraction.units]
    # The letterhead is kept once, where it first appears: it may be the only place the buyer is named.
    assert [text.count("MUNICIPALITY OF NORTHHAVEN") for text in texts] == [1, 0, 0, 0, 0]
    assert [text.count("Harbour Road 1") for text in texts] == [1, 0, 0, 0, 0]
    assert not any(re.search(r"Page \d of 5", text) for text in texts)
    for number, text in enumerate(texts, start=1):
        assert text.splitlines()[-1] == f"Clause {number}.5: the supplier delivers item {number * 10 + 5}."
        assert f"Clause {number}.1:" in text


def test_a_line_repeated_amid_pages_is_content_not_a_header(tmp_path: Path) -> None:
    extraction = extract(write(tmp_path, tender_pdf()), "pdf", IngestLimits())
    for unit in extraction.units:
        # Every row of the lots table ends its wrapped description this way, at page edges too.
        rows = sum(1 for line in unit.text.splitlines() if re.match(r"^\d+ EUR ", line))
        assert unit.text.count("kerbs, gullies, drainage and markings") == rows


@pytest.mark.parametrize("label", ["7", "- 7 -", "Page 7", "Page |7", "7/18", "Página 7 de 53", "Стр. 7"])
def test_a_page_number_at_a_page_edge_is_dropped_even_in_a_short_document(label: str) -> None:
    from tenderflow_ingest.extractors.pdf_margins import strip_margins

    page = [label, "NOTICE INVITING TENDER", "Section 1: eligibility", "Section 2: earnest money"]
    assert strip_margins([page]) == [page[1:]]
