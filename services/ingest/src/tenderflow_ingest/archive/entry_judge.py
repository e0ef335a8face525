"""Judges the entries of an opened package in order, carrying what each verdict needs from earlier ones."""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tenderflow_ingest.archive.entry_names import duplicate_key, find_name_problem
from tenderflow_ingest.archive.entry_stream import SUPPORTED_METHODS, EntryData, EntryRejected, spool_entry
from tenderflow_ingest.archive.signatures import SIGNATURE_HEAD_BYTES, archive_kind
from tenderflow_ingest.archive.typing_check import type_problem
from tenderflow_ingest.archive.verdicts import FileVerdict, SpooledFile
from tenderflow_ingest.archive.zip_layout import entry_extent, find_overlaps
from tenderflow_ingest.detect import detect_type
from tenderflow_ingest.limits import IngestLimits

_ENCRYPTED_FLAG = 0x1
Problem = tuple[str, str]


class EntryJudge:
    """Gives verdicts in archive order: duplicates and the total size depend on the entries already seen."""

    def __init__(
        self,
        fp: BinaryIO,
        archive: zipfile.ZipFile,
        file_size: int,
        workdir: Path,
        limits: IngestLimits,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self._fp = fp
        self._workdir = workdir
        self._limits = limits
        self._cancelled = cancelled
        self._extents = [entry_extent(fp, info, file_size) for info in archive.infolist()]
        spans = {i: (extent[0], extent[2]) for i, extent in enumerate(self._extents) if extent is not None}
        self._overlapping = find_overlaps(spans, archive.start_dir)
        self._seen_names: set[str] = set()
        self._decompressed_total = 0

    def judge(self, index: int, info: zipfile.ZipInfo, name: str) -> tuple[FileVerdict, SpooledFile | None]:
        """Refuse the entry from its records if we can; otherwise spool it, then check what it contains."""
        problem = self._record_problem(index, info, name)
        self._seen_names.add(duplicate_key(name))
        if problem is not None:
            return FileVerdict.rejected(name, *problem), None
        extent = self._extents[index]
        assert extent is not None  # a missing local header is a record problem
        entry = EntryData(info.compress_type, extent[1], info.compress_size, info.file_size, info.CRC)
        target = self._workdir / f"entry-{index:05d}.bin"
        budget = self._limits.max_total_uncompressed - self._decompressed_total
        try:
            result = spool_entry(self._fp, entry, target, self._limits, budget, self._cancelled)
        except EntryRejected as rejection:
            self._decompressed_total += rejection.size
            if rejection.code == "total_size_exceeded":
                self._decompressed_total = self._limits.max_total_uncompressed
            return FileVerdict.rejected(name, rejection.code, rejection.reason, rejection.size), None
        self._decompressed_total += result.size
        doc_type = detect_type(target, name)
        if doc_type is None and _starts_with_zip(target):
            target.unlink()
            reason = "content is a ZIP archive; nested archives are not accepted"
            return FileVerdict.rejected(name, "nested_archive", reason, result.size), None
        mismatch = type_problem(name, doc_type)
        if mismatch is not None or doc_type is None:
            target.unlink()
            code, reason = mismatch or ("unsupported_type", "content type not recognized")
            return FileVerdict.rejected(name, code, reason, result.size), None
        verdict = FileVerdict(name, True, None, None, result.size, result.sha256, doc_type)
        return verdict, SpooledFile(name, target, result.size, result.sha256, doc_type)

    def _record_problem(self, index: int, info: zipfile.ZipInfo, name: str) -> Problem | None:
        """Everything we can refuse from the directory record alone, before reading a single data byte."""
        name_problem = find_name_problem(name, self._limits.max_name_length)
        if name_problem is not None:
            return name_problem.code, name_problem.reason
        if duplicate_key(name) in self._seen_names:
            return "duplicate_name", "another entry already has this name"
        kind_problem = _entry_kind_problem(info)
        if kind_problem is not None:
            return kind_problem
        if index in self._overlapping:
            return (
                "overlapping_entry",
                "entry shares bytes with another entry or the directory (overlap bomb)",
            )
        if self._extents[index] is None:
            return "corrupt_entry", "entry's local header is missing or lies outside the archive"
        if info.compress_type not in SUPPORTED_METHODS:
            return "unsupported_compression", f"compression method {info.compress_type} is not supported"
        if self._decompressed_total >= self._limits.max_total_uncompressed:
            return (
                "total_size_exceeded",
                f"package exceeds {self._limits.max_total_uncompressed} bytes in total",
            )
        return None


def _starts_with_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return archive_kind(handle.read(SIGNATURE_HEAD_BYTES)) == "ZIP"


def _entry_kind_problem(info: zipfile.ZipInfo) -> Problem | None:
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if file_type == stat.S_IFLNK:
        return "symlink", "entry is a symbolic link"
    if file_type not in (0, stat.S_IFREG):
        return "special_file", "entry is a device, pipe or socket, not a regular file"
    if info.flag_bits & _ENCRYPTED_FLAG:
        return "encrypted", "entry is encrypted"
    return None
