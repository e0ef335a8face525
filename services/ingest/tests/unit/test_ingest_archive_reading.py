"""Ordinary packages: accepted files are spooled whole with size, digest and type; cancellation works."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF

from tenderflow_ingest.archive import Cancelled, FileVerdict, PackageReading, read_package
from tenderflow_ingest.limits import MIB, IngestLimits

LOTS_CSV = "Lot;Title;Value\n1;Roads;100 €\n2;Bridges;200 €\n".encode("cp1252")
NOTICE_XML = b'<?xml version="1.0"?><notice><buyer>City of Ghent</buyer></notice>'
RELEASE_JSON = b'{"releases": [{"ocid": "ocds-1", "buyer": {"name": "City of Ghent"}}]}'


def small_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Invitation to tender")
    return bytes(pdf.output())


def build_zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def read(
    tmp_path: Path, archive: bytes, limits: IngestLimits | None = None, cancelled=None
) -> PackageReading:
    package = tmp_path / "package.zip"
    package.write_bytes(archive)
    return read_package(package, tmp_path / "work", limits or IngestLimits(), cancelled)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_a_normal_package_spools_every_file_whole(tmp_path: Path, method: int) -> None:
    files = {
        "notice.pdf": small_pdf(),
        "data/release.json": RELEASE_JSON,
        "data/lots.csv": LOTS_CSV,
        "ted/notice.xml": NOTICE_XML,
    }
    reading = read(tmp_path, build_zip(files, method))
    assert not reading.rejected
    assert [(v.name, v.accepted, v.doc_type) for v in reading.verdicts] == [
        ("notice.pdf", True, "pdf"),
        ("data/release.json", True, "json"),
        ("data/lots.csv", True, "csv"),
        ("ted/notice.xml", True, "xml"),
    ]
    for spooled in reading.files:
        content = files[spooled.name]
        assert spooled.path.read_bytes() == content
        assert spooled.size == len(content)
        assert spooled.sha256 == hashlib.sha256(content).hexdigest()
        assert spooled.path.parent == tmp_path / "work"


def test_verdicts_of_accepted_files_carry_size_digest_and_type(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"lots.csv": LOTS_CSV}))
    assert reading.verdicts == (
        FileVerdict("lots.csv", True, None, None, len(LOTS_CSV), hashlib.sha256(LOTS_CSV).hexdigest(), "csv"),
    )


def test_good_files_survive_next_to_bad_ones(tmp_path: Path) -> None:
    files = {
        "a.json": RELEASE_JSON,
        "fake.pdf": b"this is not a pdf",
        "junk.bin": bytes(range(256)) * 4,
        "b.xml": NOTICE_XML,
    }
    reading = read(tmp_path, build_zip(files))
    assert {v.name: v.code for v in reading.verdicts} == {
        "a.json": None,
        "fake.pdf": "type_mismatch",
        "junk.bin": "unsupported_type",
        "b.xml": None,
    }
    assert [f.name for f in reading.files] == ["a.json", "b.xml"]
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == sorted(f.path.name for f in reading.files)


def test_a_non_pdf_named_pdf_says_so(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"tender.pdf": RELEASE_JSON}))
    verdict = reading.verdicts[0]
    assert (verdict.accepted, verdict.code) == (False, "type_mismatch")
    assert verdict.reason == "named .pdf but content is not a PDF (it is JSON)"


def test_content_decides_the_type_when_the_extension_says_nothing(tmp_path: Path) -> None:
    reading = read(
        tmp_path,
        build_zip({"export.txt": LOTS_CSV, "notice": NOTICE_XML, "README.md": b"# Hi", "notes": b"Site visit.\n"}),
    )
    assert [(v.doc_type, v.code) for v in reading.verdicts] == [
        ("csv", None),
        ("xml", None),
        ("text", None),
        ("text", None),
    ]


def test_a_single_column_csv_is_accepted_when_named_csv(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"codes.csv": b"cpv\n45000000\n71000000\n"}))
    assert reading.verdicts[0].doc_type == "csv"


def test_unicode_names_are_kept(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"Ausschreibung/Leistungsverzeichnis-Straße.csv": LOTS_CSV}))
    assert reading.files[0].name == "Ausschreibung/Leistungsverzeichnis-Straße.csv"


def test_small_repetitive_files_are_not_mistaken_for_bombs(tmp_path: Path) -> None:
    padded = b"Lot,Title\n" + b"1,Roads" + b" " * 200_000 + b"\n"
    reading = read(tmp_path, build_zip({"padded.csv": padded}))
    assert reading.verdicts[0].accepted


def test_cancellation_between_entries_raises(tmp_path: Path) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        read(tmp_path, build_zip({"a.json": RELEASE_JSON, "b.json": RELEASE_JSON}), cancelled=cancelled)
    assert len(calls) == 2


def test_cancellation_inside_a_large_entry_raises_and_removes_the_partial_file(tmp_path: Path) -> None:
    flags = iter([False, False, True, True, True])
    big = b"a,b\n" + b"1,2\n" * (2 * MIB)
    with pytest.raises(Cancelled):
        read(
            tmp_path,
            build_zip({"big.csv": big}, zipfile.ZIP_STORED),
            IngestLimits(cancel_check_bytes=MIB),
            cancelled=lambda: next(flags),
        )
    assert list((tmp_path / "work").iterdir()) == []


def test_a_package_without_cancellation_callback_reads_normally(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"a.json": RELEASE_JSON}), cancelled=None)
    assert reading.files[0].doc_type == "json"


def test_limits_refuse_nonsense_values() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        IngestLimits(max_entries=0)


class _Unseekable(io.RawIOBase):
    """A write-only stream, which makes zipfile use data descriptors as streaming zippers do."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.buffer.extend(data)
        return len(data)


def test_entries_with_data_descriptors_are_read_from_the_central_directory(tmp_path: Path) -> None:
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lots.csv", LOTS_CSV)
        archive.writestr("release.json", RELEASE_JSON)
    reading = read(tmp_path, bytes(stream.buffer))
    assert [(f.name, f.path.read_bytes()) for f in reading.files] == [
        ("lots.csv", LOTS_CSV),
        ("release.json", RELEASE_JSON),
    ]


def test_stale_spool_files_from_an_interrupted_run_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "entry-00000.bin").write_bytes(b"left over")
    reading = read(tmp_path, build_zip({"release.json": RELEASE_JSON}))
    assert reading.files[0].path.read_bytes() == RELEASE_JSON


def test_utf8_names_written_without_the_utf8_flag_are_recovered(tmp_path: Path) -> None:
    archive = bytearray(build_zip({"Cahier des charges - Société.csv": LOTS_CSV}))
    # Clear the UTF-8 flag in both headers, as macOS Archive Utility leaves it.
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = archive.index(signature) + flag_offset
        archive[at : at + 2] = (int.from_bytes(archive[at : at + 2], "little") & ~0x800).to_bytes(2, "little")
    reading = read(tmp_path, bytes(archive))
    assert reading.verdicts[0].name == "Cahier des charges - Société.csv"


def test_operating_system_metadata_is_skipped_like_directories(tmp_path: Path) -> None:
    files = {
        "__MACOSX/._lots.csv": b"\x00\x05\x16\x07junk",
        "docs/.DS_Store": b"\x00\x00\x00\x01Bud1",
        "Thumbs.db": b"\xd0\xcf\x11\xe0",
        "lots.csv": LOTS_CSV,
    }
    reading = read(tmp_path, build_zip(files))
    assert [v.name for v in reading.verdicts] == ["lots.csv"]


def test_a_package_of_only_metadata_is_empty(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({"__MACOSX/._a.pdf": b"\x00\x05\x16\x07"}))
    assert reading.rejected_code == "empty_archive"
