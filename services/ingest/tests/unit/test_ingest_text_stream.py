"""Large exports are read as streams: the encoding is judged on samples that say something about it."""

from __future__ import annotations

from pathlib import Path

from tenderflow_ingest.extractors import extract
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.text_stream import SAMPLE_BYTES, open_text


def test_an_ascii_head_defers_the_encoding_to_the_first_accented_text(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    rows = "".join(f"{number};Road {number}\n" for number in range(1, SAMPLE_BYTES // 8))
    path.write_bytes(("Lot;Title\n" + rows + "99999;Société Générale, Zürich\n").encode("cp1252"))
    assert open_text(path).encoding == "cp1252"
    extraction = extract(path, "csv", IngestLimits(max_units_per_document=1_000_000))
    assert extraction.units[-1].text == "Lot: 99999; Title: Société Générale, Zürich"
    assert extraction.warnings == ["decoded as cp1252"]


def test_bytes_the_encoding_cannot_read_further_on_are_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    filler = b"".join(b"2;%d\n" % number for number in range(SAMPLE_BYTES // 4))
    path.write_bytes("Lot;Title\n1;Besançon\n".encode() + filler + b"3;Caf\xe9 \xff\n")
    extraction = extract(path, "csv", IngestLimits(max_units_per_document=1_000_000))
    assert extraction.units[0].text == "Lot: 1; Title: Besançon"
    assert extraction.units[-1].text == "Lot: 3; Title: Caf\ufffd \ufffd"
    assert extraction.warnings == ["2 undecodable byte sequences replaced"]


def test_binary_samples_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x00\xff\x00\xfe" * 100)
    assert open_text(path) is None
