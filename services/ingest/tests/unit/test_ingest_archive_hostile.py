"""A hostile corpus built byte by byte: every attack on package reading must end in its exact verdict code."""

from __future__ import annotations

import os
import struct
import time
import zlib
from pathlib import Path

import pytest

from tenderflow_ingest.archive import PackageReading, read_package
from tenderflow_ingest.limits import MIB, IngestLimits
from tenderflow_ingest.testing.forge import (
    DEFLATED,
    SYMLINK_MODE,
    UTF8_NAME_FLAG,
    Forged,
    central_record,
    deflated,
    forge_zip,
    zeros_deflated,
)

GOOD_JSON = b'{"tender": {"title": "Road works"}}'


def read(tmp_path: Path, archive: bytes, limits: IngestLimits | None = None) -> PackageReading:
    package = tmp_path / "package.zip"
    package.write_bytes(archive)
    return read_package(package, tmp_path / "work", limits or IngestLimits())


def codes(reading: PackageReading) -> dict[str, str | None]:
    return {verdict.name: verdict.code for verdict in reading.verdicts}


def files_outside_workdir(tmp_path: Path) -> list[Path]:
    found = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    return [p for p in found if p.parts[0] not in ("package.zip", "work")]


# --- entry counts -------------------------------------------------------------------------------------------


def test_one_hundred_thousand_entries_are_refused_quickly(tmp_path: Path) -> None:
    archive = forge_zip([Forged(f"f{i}.csv", b"a,b\n1,2\n") for i in range(100_000)])
    started = time.monotonic()
    reading = read(tmp_path, archive)
    assert reading.rejected_code == "too_many_entries"
    assert time.monotonic() - started < 2.0
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").iterdir())


def test_an_end_record_that_understates_the_entry_count_is_still_caught(tmp_path: Path) -> None:
    archive = forge_zip([Forged(f"f{i}.csv", b"a,b\n") for i in range(1_200)], declared_count=5)
    assert read(tmp_path, archive).rejected_code == "too_many_entries"


# --- names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../evil.txt", "path_traversal"),
        ("..\\evil.txt", "path_traversal"),
        ("docs/../../evil.txt", "path_traversal"),
        ("docs\\..\\..\\evil.txt", "path_traversal"),
        ("/etc/passwd", "absolute_path"),
        ("\\windows\\system32\\x.json", "absolute_path"),
        ("C:\\x", "absolute_path"),
        ("c:/x.json", "absolute_path"),
        ("evil\x00.json", "control_characters"),
        ("tender\u202enosj.exe", "control_characters"),
        ("bell\x07.json", "control_characters"),
        ("c1\x85.json", "control_characters"),
        ("isolate\u2066.json", "control_characters"),
        ("x" * 300 + ".json", "name_too_long"),
    ],
)
def test_dangerous_names_are_rejected_and_good_entries_survive(tmp_path: Path, name: str, code: str) -> None:
    reading = read(tmp_path, forge_zip([Forged(name, GOOD_JSON), Forged("good.json", GOOD_JSON)]))
    assert codes(reading) == {name: code, "good.json": None}
    assert [f.name for f in reading.files] == ["good.json"]
    assert files_outside_workdir(tmp_path) == []
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_duplicate_names_keep_the_first_entry_only(tmp_path: Path) -> None:
    archive = forge_zip(
        [Forged("lots.json", GOOD_JSON), Forged("LOTS.json", b"[1]"), Forged("lots.json", b"[2]")]
    )
    reading = read(tmp_path, archive)
    assert [v.code for v in reading.verdicts] == [None, "duplicate_name", "duplicate_name"]
    assert reading.files[0].path.read_bytes() == GOOD_JSON


def test_backslash_and_slash_spellings_of_one_path_are_duplicates(tmp_path: Path) -> None:
    reading = read(tmp_path, forge_zip([Forged("a/b.json", GOOD_JSON), Forged("a\\b.json", GOOD_JSON)]))
    assert [v.code for v in reading.verdicts] == [None, "duplicate_name"]


def test_directories_are_skipped_without_a_verdict(tmp_path: Path) -> None:
    reading = read(tmp_path, forge_zip([Forged("docs/", b""), Forged("docs/a.json", GOOD_JSON)]))
    assert codes(reading) == {"docs/a.json": None}


# --- entry kinds --------------------------------------------------------------------------------------------


def test_encrypted_entries_are_rejected(tmp_path: Path) -> None:
    archive = forge_zip([Forged("secret.json", os.urandom(64), flags=0x1), Forged("a.json", GOOD_JSON)])
    assert codes(read(tmp_path, archive)) == {"secret.json": "encrypted", "a.json": None}


# --- bombs and lies ---------------------------------------------------------------------------------------


def test_a_200_mb_ratio_bomb_stops_early(tmp_path: Path) -> None:
    payload, crc = zeros_deflated(200 * MIB)
    bomb = Forged("bomb.json", payload, method=DEFLATED, plain=b"", declared_size=200 * MIB, crc=crc)
    started = time.monotonic()
    reading = read(tmp_path, forge_zip([bomb, Forged("a.json", GOOD_JSON)]))
    assert codes(reading) == {"bomb.json": "ratio_exceeded", "a.json": None}
    # Reading stops once the output passes 100 times the entry's compressed size, far short of 200 MB.
    assert reading.verdicts[0].size <= 100 * len(payload) + 2 * MIB
    assert time.monotonic() - started < 5.0
    assert sum(p.stat().st_size for p in (tmp_path / "work").iterdir()) == len(GOOD_JSON)


def test_a_large_file_over_the_per_file_limit_is_too_large(tmp_path: Path) -> None:
    data = os.urandom(3 * MIB)
    reading = read(
        tmp_path, forge_zip([Forged("big.csv", data)]), IngestLimits(max_file_uncompressed=2 * MIB)
    )
    assert codes(reading) == {"big.csv": "too_large"}
    assert reading.verdicts[0].size <= 2 * MIB + 64 * 1024


def test_a_header_that_understates_the_size_does_not_hide_the_real_bytes(tmp_path: Path) -> None:
    real = os.urandom(3 * MIB)
    liar = deflated("liar.csv", real, declared_size=1000)
    reading = read(tmp_path, forge_zip([liar]), IngestLimits(max_file_uncompressed=1 * MIB))
    assert codes(reading) == {"liar.csv": "too_large"}
    assert reading.verdicts[0].size > 1 * MIB


def test_a_zip64_extra_field_that_understates_the_size_is_counted_for_real(tmp_path: Path) -> None:
    real = os.urandom(3 * MIB)
    liar = deflated("liar64.csv", real, zip64_declared_size=1000)
    reading = read(tmp_path, forge_zip([liar]), IngestLimits(max_file_uncompressed=1 * MIB))
    assert codes(reading) == {"liar64.csv": "too_large"}


def test_a_small_size_lie_within_limits_is_a_corrupt_entry(tmp_path: Path) -> None:
    reading = read(tmp_path, forge_zip([deflated("liar.json", GOOD_JSON, declared_size=10)]))
    assert codes(reading) == {"liar.json": "corrupt_entry"}
    assert "declares 10 bytes" in (reading.verdicts[0].reason or "")


def test_two_directory_records_pointing_at_one_local_header_overlap(tmp_path: Path) -> None:
    archive = forge_zip(
        [Forged("a.json", GOOD_JSON), Forged("b.json", GOOD_JSON)], aliases=[(0, "alias.json")]
    )
    assert codes(read(tmp_path, archive)) == {
        "a.json": "overlapping_entry",
        "b.json": None,
        "alias.json": "overlapping_entry",
    }


def test_fifield_style_entries_that_nest_inside_each_other_overlap(tmp_path: Path) -> None:
    inner = Forged("inner.json", GOOD_JSON)
    # The outer entry's stored data quotes the inner entry's local header and data, as overlap bombs do.
    inner_local = forge_zip([inner]).split(b"PK\x01\x02")[0]
    outer = Forged("outer.json", b'{"a": 1}' + inner_local)
    archive = bytearray(forge_zip([outer]))
    inner_offset = 30 + len("outer.json") + len(b'{"a": 1}')
    directory = archive.index(b"PK\x01\x02")
    record = central_record(
        inner, b"inner.json", UTF8_NAME_FLAG, zlib.crc32(GOOD_JSON), len(GOOD_JSON), inner_offset
    )
    end = archive[archive.index(b"PK\x05\x06") :]
    count, size = 2, len(archive) - directory - len(end) + len(record)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, directory, 0)
    forged = bytes(archive[: archive.index(b"PK\x05\x06")]) + record + end
    assert codes(read(tmp_path, forged)) == {
        "outer.json": "overlapping_entry",
        "inner.json": "overlapping_entry",
    }


def test_an_entry_whose_data_runs_into_the_directory_overlaps_it(tmp_path: Path) -> None:
    archive = bytearray(forge_zip([Forged("a.json", GOOD_JSON), Forged("b.json", GOOD_JSON)]))
    b_record = archive.rindex(b"PK\x01\x02")
    archive[b_record + 20 : b_record + 24] = struct.pack("<L", len(GOOD_JSON) + 40)  # compressed size
    assert codes(read(tmp_path, bytes(archive))) == {"a.json": None, "b.json": "overlapping_entry"}


def test_a_wrong_crc_is_a_corrupt_entry(tmp_path: Path) -> None:
    archive = forge_zip([Forged("a.json", GOOD_JSON, crc=12345), Forged("b.json", GOOD_JSON)])
    reading = read(tmp_path, archive)
    assert codes(reading) == {"a.json": "corrupt_entry", "b.json": None}
    assert "CRC" in (reading.verdicts[0].reason or "")


def test_garbage_deflate_data_is_a_corrupt_entry(tmp_path: Path) -> None:
    archive = forge_zip(
        [Forged("a.json", b"\xff" * 64, method=DEFLATED, plain=GOOD_JSON), Forged("b.json", GOOD_JSON)]
    )
    assert codes(read(tmp_path, archive)) == {"a.json": "corrupt_entry", "b.json": None}


def test_a_local_header_pointing_outside_the_file_is_a_corrupt_entry(tmp_path: Path) -> None:
    archive = bytearray(forge_zip([Forged("a.json", GOOD_JSON), Forged("b.json", GOOD_JSON)]))
    directory = archive.index(b"PK\x01\x02")
    archive[directory + 42 : directory + 46] = struct.pack("<L", 7)  # a.json's header offset, now mid-header
    assert codes(read(tmp_path, bytes(archive))) == {"a.json": "corrupt_entry", "b.json": None}


def test_total_size_stops_the_current_and_every_later_entry(tmp_path: Path) -> None:
    entries = [Forged(f"part{i}.csv", b"a,b\n" + b"1,2\n" * (MIB // 4)) for i in range(3)]
    entries.append(Forged("small.json", GOOD_JSON))
    limits = IngestLimits(max_total_uncompressed=int(2.5 * MIB), max_file_uncompressed=2 * MIB)
    reading = read(tmp_path, forge_zip(entries), limits)
    assert [v.code for v in reading.verdicts] == [None, None, "total_size_exceeded", "total_size_exceeded"]
    assert [f.name for f in reading.files] == ["part0.csv", "part1.csv"]


def test_nothing_is_written_outside_the_work_directory(tmp_path: Path) -> None:
    entries = [
        Forged("../../outside.json", GOOD_JSON),
        Forged("/tmp/abs.json", GOOD_JSON),
        Forged("C:\\Windows\\x.json", GOOD_JSON),
        Forged("link", b"../../../../etc", external_attr=SYMLINK_MODE),
        Forged("ok/inside.json", GOOD_JSON),
    ]
    reading = read(tmp_path, forge_zip(entries))
    assert [f.name for f in reading.files] == ["ok/inside.json"]
    assert files_outside_workdir(tmp_path) == []
    work = tmp_path / "work"
    assert all(p.parent == work and p.name.startswith("entry-") for p in work.iterdir())
