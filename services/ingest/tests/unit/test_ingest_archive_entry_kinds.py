"""Entries that are not plain files we can read: links, devices, other archives, unknown compression."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest

from tenderflow_ingest.archive import read_package
from tenderflow_ingest.limits import IngestLimits

GOOD_JSON = b'{"tender": {"title": "Road works"}}'


def entry(name: str, data: bytes, mode: int = 0o100644, method: int = zipfile.ZIP_DEFLATED) -> tuple:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix, so the mode in the upper external attribute bits is meaningful
    info.external_attr = mode << 16
    info.compress_type = method
    return info, data


def codes(tmp_path: Path, entries: list[tuple]) -> dict[str, str | None]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    package = tmp_path / "package.zip"
    package.write_bytes(buffer.getvalue())
    reading = read_package(package, tmp_path / "work", IngestLimits())
    return {verdict.name: verdict.code for verdict in reading.verdicts}


def test_symlink_entries_are_rejected(tmp_path: Path) -> None:
    entries = [entry("link.json", b"/etc/passwd", mode=0o120777), entry("a.json", GOOD_JSON)]
    assert codes(tmp_path, entries) == {"link.json": "symlink", "a.json": None}


@pytest.mark.parametrize(
    "mode", [0o010644, 0o020644, 0o060644, 0o140644], ids=["fifo", "char", "block", "socket"]
)
def test_devices_pipes_and_sockets_are_rejected(tmp_path: Path, mode: int) -> None:
    assert codes(tmp_path, [entry("odd.json", GOOD_JSON, mode=mode)]) == {"odd.json": "special_file"}


def test_unknown_compression_methods_are_rejected(tmp_path: Path) -> None:
    entries = [entry("lzma.json", GOOD_JSON, method=zipfile.ZIP_LZMA), entry("a.json", GOOD_JSON)]
    assert codes(tmp_path, entries) == {"lzma.json": "unsupported_compression", "a.json": None}


def test_a_nested_zip_is_rejected_by_content_whatever_its_name(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("inner.json", GOOD_JSON)
    entries = [
        entry("annex.pdf", inner.getvalue(), method=zipfile.ZIP_STORED),
        entry("annex.dat", inner.getvalue()),
        entry("a.json", GOOD_JSON),
    ]
    assert codes(tmp_path, entries) == {
        "annex.pdf": "nested_archive",
        "annex.dat": "nested_archive",
        "a.json": None,
    }


@pytest.mark.parametrize(
    "content",
    [
        gzip.compress(b"x" * 1000),
        b"7z\xbc\xaf\x27\x1c" + os.urandom(100),
        b"Rar!\x1a\x07\x01\x00" + os.urandom(100),
        b"\x00" * 257 + b"ustar\x0000" + b"\x00" * 300,
        b"BZh91AY&SY" + os.urandom(100),
        b"\xfd7zXZ\x00" + os.urandom(100),
    ],
    ids=["gzip", "7z", "rar", "tar", "bzip2", "xz"],
)
def test_other_archive_formats_are_nested_archives(tmp_path: Path, content: bytes) -> None:
    assert codes(tmp_path, [entry("data.bin", content)]) == {"data.bin": "nested_archive"}


def test_text_that_merely_starts_like_bzip2_is_not_an_archive(tmp_path: Path) -> None:
    assert codes(tmp_path, [entry("codes.csv", b"BZh9,label\n1,Roads\n2,Parks\n")]) == {"codes.csv": None}
