"""CSV rows become `Header: value` units numbered from 1, decoded correctly whatever the export's encoding."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.extractors.base import ExtractionError, TextUnit
from tenderflow_ingest.limits import IngestLimits

SUPPLIERS = [
    ["Lot", "Supplier", "City", "Value"],
    ["1", "Société Générale de Travaux", "Besançon", "1 250 000 €"],
    ["2", "Müller & Söhne GmbH", "Zürich", "€ 980.000"],
    ["3", "Crème Façades Ltd", "Genève", "£ 45,500"],
    ["4", "Núñez Construcción", "Logroño", "12.500 €"],
]


def write_csv(
    tmp_path: Path, rows: list[list[str]], encoding: str, delimiter: str = ";", bom: bytes = b""
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "lots.csv"
    path.write_bytes(bom + buffer.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("mac_roman", b"")],
    ids=["utf-8", "utf-8-bom", "windows-1252", "mac-roman"],
)
def test_accented_names_and_currency_symbols_survive_every_encoding(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    extraction = extract(write_csv(tmp_path, SUPPLIERS, encoding, bom=bom), "csv", IngestLimits())
    assert extraction.doc_type == "csv"
    assert [unit.row for unit in extraction.units] == [1, 2, 3, 4]
    assert extraction.units[0] == TextUnit(
        text="Lot: 1; Supplier: Société Générale de Travaux; City: Besançon; Value: 1 250 000 €", row=1
    )
    assert extraction.units[1].text == "Lot: 2; Supplier: Müller & Söhne GmbH; City: Zürich; Value: € 980.000"
    assert extraction.units[2].text == "Lot: 3; Supplier: Crème Façades Ltd; City: Genève; Value: £ 45,500"
    assert extraction.units[3].text == "Lot: 4; Supplier: Núñez Construcción; City: Logroño; Value: 12.500 €"


def test_a_legacy_encoding_is_mentioned_in_warnings(tmp_path: Path) -> None:
    extraction = extract(write_csv(tmp_path, SUPPLIERS, "cp1252"), "csv", IngestLimits())
    assert extraction.warnings == ["decoded as cp1252"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [["Lot", "Title"], ["1", "Roads, bridges; tunnels"], ["2", "Parks"]]
    extraction = extract(write_csv(tmp_path, rows, "utf-8", delimiter), "csv", IngestLimits())
    assert [unit.text for unit in extraction.units] == [
        "Lot: 1; Title: Roads, bridges; tunnels",
        "Lot: 2; Title: Parks",
    ]


def test_formula_cells_are_kept_verbatim_as_text(tmp_path: Path) -> None:
    rows = [["Name", "Note"], ['=HYPERLINK("http://x")', "+1+2"], ["-3", "@SUM(A1:A2)"], ["=1+1", "ok"]]
    extraction = extract(write_csv(tmp_path, rows, "utf-8", ","), "csv", IngestLimits())
    assert [unit.text for unit in extraction.units] == [
        'Name: =HYPERLINK("http://x"); Note: +1+2',
        "Name: -3; Note: @SUM(A1:A2)",
        "Name: =1+1; Note: ok",
    ]


def test_quoted_cells_may_hold_delimiters_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('Lot,Description\n1,"Roads, phase 1\nand phase 2"\n2,Parks\n', encoding="utf-8")
    extraction = extract(path, "csv", IngestLimits())
    assert [(u.row, u.text) for u in extraction.units] == [
        (1, "Lot: 1; Description: Roads, phase 1\nand phase 2"),
        (2, "Lot: 2; Description: Parks"),
    ]


def test_blank_rows_are_skipped_but_keep_their_number(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("Lot,Title\n1,Roads\n,\n\n3,Parks\n", encoding="utf-8")
    assert [unit.row for unit in extract(path, "csv", IngestLimits()).units] == [1, 4]


def test_headers_blank_repeated_or_missing_get_names(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("Lot,,Lot\n1,a,b,extra\n", encoding="utf-8")
    assert (
        extract(path, "csv", IngestLimits()).units[0].text
        == "Lot: 1; column 2: a; Lot (3): b; column 4: extra"
    )


def test_a_header_only_file_has_no_units_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("Lot,Title\n", encoding="utf-8")
    extraction = extract(path, "csv", IngestLimits())
    assert extraction.units == [] and extraction.warnings == ["no data rows"]


def test_rows_beyond_the_unit_limit_are_dropped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Lot,Title\n" + "".join(f"{i},Road {i}\n" for i in range(1, 51)), encoding="utf-8")
    extraction = extract(path, "csv", IngestLimits(max_units_per_document=10))
    assert len(extraction.units) == 10 and extraction.units[-1].row == 10
    assert extraction.warnings == ["kept the first 10 rows"]


def test_a_monstrous_field_is_a_corrupt_csv(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('Lot,Title\n1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(ExtractionError) as caught:
        extract(path, "csv", IngestLimits())
    assert caught.value.code == "corrupt_csv"


def test_binary_content_is_a_corrupt_csv(tmp_path: Path) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x00\xff\x00\xfe" * 100)
    with pytest.raises(ExtractionError) as caught:
        extract(path, "csv", IngestLimits())
    assert caught.value.code == "corrupt_csv"


def test_unknown_types_are_refused_by_the_dispatcher(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(tmp_path / "x", "rtf", IngestLimits())
    assert caught.value.code == "unsupported_type"
