"""Packages refused as a whole: not a ZIP, empty, truncated or corrupt; nothing in them is read."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tenderflow_ingest.archive import PackageReading, read_package
from tenderflow_ingest.limits import IngestLimits

GOOD_JSON = b'{"tender": {"title": "Road works"}}'


def build_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def read(tmp_path: Path, archive: bytes, limits: IngestLimits | None = None) -> PackageReading:
    package = tmp_path / "package.zip"
    package.write_bytes(archive)
    return read_package(package, tmp_path / "work", limits or IngestLimits())


def test_a_pdf_uploaded_as_the_package_is_not_a_zip(tmp_path: Path) -> None:
    reading = read(tmp_path, b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    assert reading.rejected and reading.rejected_code == "not_a_zip"
    assert reading.verdicts == () and reading.files == ()


def test_random_bytes_are_not_a_zip(tmp_path: Path) -> None:
    assert read(tmp_path, os.urandom(4096)).rejected_code == "not_a_zip"


def test_an_empty_archive_is_refused(tmp_path: Path) -> None:
    reading = read(tmp_path, build_zip({}))
    assert reading.rejected_code == "empty_archive"
    assert reading.rejected_reason == "the archive contains no files"


def test_an_archive_of_directories_only_is_empty(tmp_path: Path) -> None:
    assert read(tmp_path, build_zip({"docs/": b"", "docs/lots/": b""})).rejected_code == "empty_archive"


@pytest.mark.parametrize("cut", [10, 30, 200])
def test_a_truncated_archive_is_corrupt(tmp_path: Path, cut: int) -> None:
    whole = build_zip({"a.json": GOOD_JSON, "b.json": GOOD_JSON * 20})
    reading = read(tmp_path, whole[:-cut])
    assert reading.rejected_code == "corrupt_archive"
    assert "corrupt" in (reading.rejected_reason or "")


def test_an_archive_cut_in_half_is_corrupt(tmp_path: Path) -> None:
    whole = build_zip({"a.json": os.urandom(4000)})
    assert read(tmp_path, whole[: len(whole) // 2]).rejected_code == "corrupt_archive"


def test_a_garbled_central_directory_is_corrupt(tmp_path: Path) -> None:
    whole = bytearray(build_zip({"a.json": GOOD_JSON}))
    directory = whole.index(b"PK\x01\x02")
    whole[directory : directory + 4] = b"XXXX"
    assert read(tmp_path, bytes(whole)).rejected_code == "corrupt_archive"


def test_an_end_record_pointing_past_the_file_is_corrupt(tmp_path: Path) -> None:
    whole = bytearray(build_zip({"a.json": GOOD_JSON}))
    end = whole.index(b"PK\x05\x06")
    whole[end + 16 : end + 20] = (len(whole) * 2).to_bytes(4, "little")  # central directory offset
    assert read(tmp_path, bytes(whole)).rejected_code == "corrupt_archive"


def test_one_entry_over_the_limit_refuses_the_package(tmp_path: Path) -> None:
    archive = build_zip({f"f{i}.csv": b"a,b\n1,2\n" for i in range(21)})
    reading = read(tmp_path, archive, IngestLimits(max_entries=20))
    assert reading.rejected_code == "too_many_entries"
    assert reading.rejected_reason == "the archive has more than 20 entries (21 or more)"


def test_exactly_the_entry_limit_is_allowed(tmp_path: Path) -> None:
    archive = build_zip({f"f{i}.csv": b"a,b\n1,2\n" for i in range(20)})
    reading = read(tmp_path, archive, IngestLimits(max_entries=20))
    assert not reading.rejected and len(reading.files) == 20


def test_directories_count_as_entries(tmp_path: Path) -> None:
    archive = build_zip({**{f"d{i}/": b"" for i in range(20)}, "a.json": GOOD_JSON})
    assert read(tmp_path, archive, IngestLimits(max_entries=20)).rejected_code == "too_many_entries"
