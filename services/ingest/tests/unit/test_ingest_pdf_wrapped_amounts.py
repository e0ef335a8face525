"""An amount a narrow table cell wraps onto a second line is read whole, and the next row's digits stay its own."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from fpdf import FPDF

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.pdf_layout import Box, page_lines
from tenderflow_ingest.limits import IngestLimits

TENDERS = next((parent / "shared" / "data" / "tenders" for parent in Path(__file__).resolve().parents
                if (parent / "shared" / "data" / "tenders").is_dir()), None)
AMOUNT_TOKEN = re.compile(r"(?<![\w.,])\d[\d.]*,\d*(?![\w.,])")


def price_table_text(tmp_path: Path, rows: list[list[str]]) -> list[str]:
    """The units of a price table whose last column is too narrow for amounts of six digits and more."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    with pdf.table(col_widths=(10, 70, 12, 17), width=109, repeat_headings=1) as table:
        table.row(["Item", "Description", "Qty", "Total"])
        for cells in rows:
            table.row(cells)
    path = tmp_path / "prices.pdf"
    path.write_bytes(bytes(pdf.output()))
    return [unit.text for unit in extract(path, "pdf", IngestLimits()).units]


def test_a_wrapped_amount_in_a_generated_price_table_is_read_whole(tmp_path: Path) -> None:
    rows = [["1", "Refrigerator, two doors", "12", "106.244,82"], ["2", "Washing machine", "3", "1.500,00"],
            ["3", "Microwave oven", "7", "417.008,35"]]
    text = "\n".join(price_table_text(tmp_path, rows))
    assert AMOUNT_TOKEN.findall(text) == ["106.244,82", "1.500,00", "417.008,35"]
    assert "2 Washing machine" in text


def test_rows_of_a_multi_page_table_keep_their_own_digits(tmp_path: Path) -> None:
    amounts = [f"{number * 1777 % 900 + 100}.{number * 37 % 1000:03d},{number * 13 % 100:02d}" if number % 3
               else f"{number * 7},{number % 10}0" for number in range(1, 61)]
    rows = [[str(number), f"Office chair, model {number}", str(number % 9 + 1), amount]
            for number, amount in enumerate(amounts, start=1)]
    units = price_table_text(tmp_path, rows)
    assert len(units) >= 2
    text = "\n".join(units)
    assert AMOUNT_TOKEN.findall(text) == amounts
    for number in range(1, 61):
        assert re.search(rf"^{number} Office chair, model {number} {number % 9 + 1}\b", text, re.MULTILINE)


def boxes_line(*boxes: Box) -> list[str]:
    return page_lines(list(boxes))


def test_digits_outside_the_amount_cell_or_beside_other_cells_are_not_joined() -> None:
    amount = Box(300, 700, 350, 710, "106.244,8")
    assert boxes_line(amount, Box(360, 686, 366, 696, "2")) == ["106.244,8", "2"]
    assert boxes_line(amount, Box(310, 686, 316, 696, "2"), Box(60, 686, 70, 696, "7")) == ["106.244,8", "7 | 2"]
    assert boxes_line(amount, Box(320, 650, 326, 660, "2")) == ["106.244,8", "2"]
    assert boxes_line(amount, Box(320, 686, 326, 696, "2")) == ["106.244,82"]


def test_the_joined_amount_must_have_the_pages_usual_decimals() -> None:
    whole = Box(300, 700, 350, 710, "106.244,82")
    assert boxes_line(whole, Box(320, 686, 326, 696, "2")) == ["106.244,82", "2"]
    assert boxes_line(Box(300, 700, 350, 710, "106.244,8"), Box(320, 686, 332, 696, "25")) == ["106.244,8", "25"]
    three_decimals = [Box(300, 740, 350, 750, "1.250,125"), Box(300, 720, 350, 730, "2.500,250")]
    cut = [Box(300, 700, 350, 710, "3.750,37"), Box(320, 686, 326, 696, "5")]
    assert page_lines(three_decimals + cut)[-1] == "3.750,375"
    assert boxes_line(Box(50, 700, 60, 710, "1."), Box(50, 686, 62, 696, "12")) == ["1.", "12"]


@pytest.mark.skipif(TENDERS is None, reason="shared/data/tenders is not next to this checkout")
def test_the_lot_totals_of_a_real_edital_add_up_to_its_estimate() -> None:
    assert TENDERS is not None
    extraction = extract(TENDERS / "br" / "dom-macedo-costa-edital-pregao.pdf", "pdf", IngestLimits())
    text = "\n".join(unit.text for unit in extraction.units)
    totals = re.findall(r"VALOR TOTAL LOTE [IVX]+ R\$\n([\d.]+,\d+)\n", text)
    estimate = re.search(r"valor estimado para esta contrata\w+ é de R\$ ([\d.]+,\d+)", text)
    assert len(totals) == 6 and estimate is not None
    assert "106.244,82" in totals

    def amount(written: str) -> Decimal:
        return Decimal(written.replace(".", "").replace(",", "."))

    assert sum(map(amount, totals)) == amount(estimate.group(1))
