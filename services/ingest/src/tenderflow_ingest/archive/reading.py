"""Takes a tender package apart entry by entry, giving each a verdict and spooling the good ones to disk."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tenderflow_ingest.archive.entry_judge import EntryJudge
from tenderflow_ingest.archive.entry_names import entry_name, is_os_metadata
from tenderflow_ingest.archive.verdicts import Cancelled, FileVerdict, PackageReading, SpooledFile
from tenderflow_ingest.archive.zip_layout import (
    LayoutError,
    count_entries,
    locate_central_directory,
    starts_like_zip,
)
from tenderflow_ingest.error_text import described
from tenderflow_ingest.limits import IngestLimits


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
            return PackageReading.refuse("corrupt_archive", f"the archive is corrupt: {described(error)}")
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
        return PackageReading.refuse("corrupt_archive", f"the archive is corrupt: {described(error)}")
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
    judge = EntryJudge(fp, archive, file_size, workdir, limits, cancelled)
    verdicts: list[FileVerdict] = []
    files: list[SpooledFile] = []
    for index, info in enumerate(archive.infolist()):
        if cancelled is not None and cancelled():
            raise Cancelled()
        name = entry_name(info)
        if _is_directory(info) or is_os_metadata(name):
            continue
        verdict, spooled = judge.judge(index, info, name)
        verdicts.append(verdict)
        if spooled is not None:
            files.append(spooled)
    if not verdicts:
        return PackageReading.refuse("empty_archive", "the archive contains no files")
    return PackageReading(verdicts=tuple(verdicts), files=tuple(files))


def _is_directory(info: zipfile.ZipInfo) -> bool:
    """Directories carry nothing to extract; we never create them, so they are skipped without a verdict."""
    mode = info.external_attr >> 16
    return info.orig_filename.endswith(("/", "\\")) or stat.S_ISDIR(mode)
