"""XLSX workbooks: rows with their sheet and row number, headers found, merged cells and formats honoured."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from tenderflow_ingest.detect import detect_type
from tenderflow_ingest.extractors import ExtractionError, extract
from tenderflow_ingest.limits import MIB, IngestLimits
from tenderflow_ingest.testing.office import minimal_xlsx, numbered_rows, xlsx_bomb

GSA_PRICING = Path(__file__).resolve().parents[4] / "../shared/data/tenders/us/gsa-dol-14c-pricing-template.xlsx"


def tender_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Lots"
    sheet["A1"] = "Harbour works: price schedule"
    sheet.append([])
    sheet.append(["Lot", "Description", None, "Value", "Deadline", "Share"])
    sheet.merge_cells("B3:C3")
    sheet.append(["Lot 1", "Quay wall", "north side", 1250000.5, dt.datetime(2025, 3, 14), 0.25])
    sheet.append([None, "Dredging", None, 300000, dt.datetime(2025, 4, 1, 12, 0), 0.1])
    sheet.merge_cells("A4:A5")
    sheet.append([])
    sheet.append(["Lot 2", "Lighting", None, 99.0, None, None])
    for row in (4, 5, 7):
        sheet.cell(row=row, column=4).number_format = "#,##0.00"
        sheet.cell(row=row, column=6).number_format = "0%"
    sheet.cell(row=4, column=5).number_format = "dd/mm/yyyy"
    sheet.cell(row=5, column=5).number_format = "dd/mm/yyyy hh:mm"
    hidden = workbook.create_sheet("Internal")
    hidden.append(["Note", "Owner"])
    hidden.append(["Budget line 7", "Finance"])
    hidden.sheet_state = "hidden"
    target = path / "prices.xlsx"
    workbook.save(target)
    return target


def test_rows_come_out_as_header_value_pairs_with_sheet_and_row(tmp_path: Path) -> None:
    path = tender_workbook(tmp_path)
    assert detect_type(path, "prices.xlsx") == "xlsx"
    assert detect_type(path, None) == "xlsx"
    extraction = extract(path, "xlsx", IngestLimits())
    rows = {(unit.path, unit.row): unit.text for unit in extraction.units}
    assert rows == {
        ("Lots", 1): "Harbour works: price schedule",
        ("Lots", 3): "Lot; Description; Value; Deadline; Share",
        ("Lots", 4): "Lot: Lot 1; Description: Quay wall north side; Value: 1,250,000.50; Deadline: 2025-03-14; "
        "Share: 25%",
        ("Lots", 5): "Lot: Lot 1; Description: Dredging; Value: 300,000.00; Deadline: 2025-04-01 12:00; Share: 10%",
        ("Lots", 7): "Lot: Lot 2; Description: Lighting; Value: 99.00",
        ("Internal", 1): "Note; Owner",
        ("Internal", 2): "Note: Budget line 7; Owner: Finance",
    }
    assert extraction.doc_type == "xlsx" and extraction.pages == 2
    assert "sheet 'Internal' is hidden; its rows are included" in extraction.warnings


def test_the_real_gsa_pricing_template_keeps_its_cells_and_rows() -> None:
    if not GSA_PRICING.exists():
        pytest.skip("shared tender documents are not available")
    assert detect_type(GSA_PRICING, "Pricing_Template.xlsx") == "xlsx"
    units = extract(GSA_PRICING, "xlsx", IngestLimits()).units
    rows = {unit.row: unit for unit in units}
    assert rows[1].text == "DOL 14(C) Web Application Tool Pricing Template"
    assert rows[4].text == "Item; Labor Category; Quantity; Unit; Unit Price; Total Price"
    assert rows[6].text.startswith("Item: 0001; Labor Category: FP Product Manager; Unit: Hour")
    assert "Technical Architect" in rows[8].text
    assert {unit.path for unit in units} == {"Pricing Template"}


def test_a_million_rows_are_bounded_by_the_unit_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    path.write_bytes(minimal_xlsx(numbered_rows(1_000_000), dimension="A1:B1000001"))
    started = time.monotonic()
    extraction = extract(path, "xlsx", IngestLimits(max_units_per_document=1000))
    assert len(extraction.units) == 1000
    assert extraction.units[1].text == "Lot: 2; Value: 14" and extraction.units[1].row == 2
    assert "kept the first 1000 rows" in extraction.warnings
    assert time.monotonic() - started < 10


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(200 * MIB))
    assert path.stat().st_size < 1 * MIB
    assert detect_type(path, "bomb.xlsx") == "xlsx"
    with pytest.raises(ExtractionError) as caught:
        extract(path, "xlsx", IngestLimits())
    assert caught.value.code == "ratio_exceeded"
    with pytest.raises(ExtractionError) as caught:
        extract(path, "xlsx", IngestLimits(max_compression_ratio=1e9, max_file_uncompressed=100 * MIB))
    assert caught.value.code == "too_large"


def test_a_damaged_workbook_gets_a_verdict_and_a_spooled_one_without_extension_is_read(tmp_path: Path) -> None:
    source = tender_workbook(tmp_path)
    damaged = tmp_path / "damaged.xlsx"
    data = source.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError) as caught:
        extract(damaged, "xlsx", IngestLimits())
    assert caught.value.code == "corrupt_document"
    spooled = tmp_path / "entry-00001.bin"
    shutil.copy(source, spooled)
    assert extract(spooled, "xlsx", IngestLimits()).units
