"""Takes a tender package apart entry by entry, giving each a verdict and spooling the good ones to disk."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tenderflow_ingest.archive.entry_names import duplicate_key, entry_name, find_name_problem, is_os_metadata
from tenderflow_ingest.archive.entry_stream import SUPPORTED_METHODS, EntryData, EntryRejected, spool_entry
from tenderflow_ingest.archive.typing_check import type_problem
from tenderflow_ingest.archive.verdicts import Cancelled, FileVerdict, PackageReading, SpooledFile
from tenderflow_ingest.archive.zip_layout import (
    LayoutError,
    count_entries,
    entry_extent,
    find_overlaps,
    locate_central_directory,
    starts_like_zip,
)
from tenderflow_ingest.detect import detect_type
from tenderflow_ingest.limits import IngestLimits

_ENCRYPTED_FLAG = 0x1


def read_package(
    zip_path: Path,
    workdir: Path,
    limits: IngestLimits,
    cancelled: Callable[[], bool] | None = None,
) -> PackageReading:
    """Read a ZIP package safely: refuse it whole, or judge every entry and spool the accepted ones."""
    workdir.mkdir(parents=True, exist_ok=True)
    with zip_path.open("rb") as fp:
        file_size = zip_path.stat().st_size
        refusal = _refuse_package(fp, file_size, limits)
        if refusal is not None:
            return refusal
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as error:
            return PackageReading.refuse("corrupt_archive", f"the archive is corrupt: {error}")
        with archive:
            return _read_entries(fp, file_size, archive, workdir, limits, cancelled)


def _refuse_package(fp: BinaryIO, file_size: int, limits: IngestLimits) -> PackageReading | None:
    if not starts_like_zip(fp.read(4)):
        return PackageReading.refuse("not_a_zip", "the package is not a ZIP archive")
    try:
        directory = locate_central_directory(fp, file_size)
        if directory.declared_entries > limits.max_entries:
            return _too_many(directory.declared_entries, limits)
        counted = count_entries(fp, directory, stop_after=limits.max_entries)
    except LayoutError as error:
        return PackageReading.refuse("corrupt_archive", f"the archive is corrupt: {error}")
    if counted > limits.max_entries:
        return _too_many(counted, limits)
    return None


def _too_many(count: int, limits: IngestLimits) -> PackageReading:
    return PackageReading.refuse(
        "too_many_entries", f"the archive has more than {limits.max_entries} entries ({count} or more)"
    )


def _read_entries(
    fp: BinaryIO,
    file_size: int,
    archive: zipfile.ZipFile,
    workdir: Path,
    limits: IngestLimits,
    cancelled: Callable[[], bool] | None,
) -> PackageReading:
    infos = archive.infolist()
    extents = {index: entry_extent(fp, info, file_size) for index, info in enumerate(infos)}
    spans = {index: (extent[0], extent[2]) for index, extent in extents.items() if extent is not None}
    overlapping = find_overlaps(spans, archive.start_dir)
    verdicts: list[FileVerdict] = []
    files: list[SpooledFile] = []
    seen_names: set[str] = set()
    decompressed_total = 0
    for index, info in enumerate(infos):
        if cancelled is not None and cancelled():
            raise Cancelled()
        name = entry_name(info)
        if _is_directory(info) or is_os_metadata(name):
            continue
        problem = _metadata_problem(
            info, name, limits, seen_names, overlapping, index, extents[index] is None
        )
        seen_names.add(duplicate_key(name))
        if problem is None and decompressed_total >= limits.max_total_uncompressed:
            problem = (
                "total_size_exceeded",
                f"package exceeds {limits.max_total_uncompressed} bytes in total",
            )
        if problem is not None:
            verdicts.append(FileVerdict.rejected(name, *problem))
            continue
        extent = extents[index]
        assert extent is not None
        entry = EntryData(info.compress_type, extent[1], info.compress_size, info.file_size, info.CRC)
        target = workdir / f"entry-{index:05d}.bin"
        budget = limits.max_total_uncompressed - decompressed_total
        try:
            result = spool_entry(fp, entry, target, limits, budget, cancelled)
        except EntryRejected as rejection:
            decompressed_total += rejection.size
            verdicts.append(FileVerdict.rejected(name, rejection.code, rejection.reason, rejection.size))
            if rejection.code == "total_size_exceeded":
                decompressed_total = limits.max_total_uncompressed
            continue
        decompressed_total += result.size
        doc_type = detect_type(target, name)
        mismatch = type_problem(name, doc_type)
        if mismatch is not None:
            target.unlink()
            verdicts.append(FileVerdict.rejected(name, mismatch[0], mismatch[1], result.size))
            continue
        assert doc_type is not None
        verdicts.append(FileVerdict(name, True, None, None, result.size, result.sha256, doc_type))
        files.append(SpooledFile(name, target, result.size, result.sha256, doc_type))
    if not verdicts:
        return PackageReading.refuse("empty_archive", "the archive contains no files")
    return PackageReading(verdicts=tuple(verdicts), files=tuple(files))


def _is_directory(info: zipfile.ZipInfo) -> bool:
    """Directories carry nothing to extract; we never create them, so they are skipped without a verdict."""
    mode = info.external_attr >> 16
    return info.orig_filename.endswith(("/", "\\")) or stat.S_ISDIR(mode)


def _metadata_problem(
    info: zipfile.ZipInfo,
    name: str,
    limits: IngestLimits,
    seen_names: set[str],
    overlapping: set[int],
    index: int,
    broken_header: bool,
) -> tuple[str, str] | None:
    """Everything we can refuse from the directory record alone, before reading a single data byte."""
    name_problem = find_name_problem(name, limits.max_name_length)
    if name_problem is not None:
        return name_problem.code, name_problem.reason
    if duplicate_key(name) in seen_names:
        return "duplicate_name", "another entry already has this name"
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if file_type == stat.S_IFLNK:
        return "symlink", "entry is a symbolic link"
    if file_type not in (0, stat.S_IFREG):
        return "special_file", "entry is a device, pipe or socket, not a regular file"
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "encrypted", "entry is encrypted"
    if index in overlapping:
        return "overlapping_entry", "entry shares bytes with another entry or the directory (overlap bomb)"
    if broken_header:
        return "corrupt_entry", "entry's local header is missing or lies outside the archive"
    if info.compress_type not in SUPPORTED_METHODS:
        return "unsupported_compression", f"compression method {info.compress_type} is not supported"
    return None
