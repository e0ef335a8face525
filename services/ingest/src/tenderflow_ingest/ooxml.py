"""Recognises Office Open XML files (XLSX, DOCX) and bounds them before a parser opens them: they are ZIPs too."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tenderflow_ingest.archive.zip_layout import (
    LayoutError,
    count_entries,
    entry_extent,
    find_overlaps,
    locate_central_directory,
)
from tenderflow_ingest.error_text import described
from tenderflow_ingest.limits import IngestLimits

CONTENT_TYPES = "[Content_Types].xml"
# Office writes a few dozen parts; a "document" with more entries than a package may hold is not one.
_MAX_PARTS_FOR_DETECTION = 10_000
_CONTENT_TYPES_BYTES = 1024 * 1024
_MAIN_PART_TYPES = {
    "xlsx": re.compile(rb"spreadsheetml\.sheet\.main\+xml|ms-excel\.sheet\.macroEnabled\.main\+xml"
                       rb"|spreadsheetml\.template\.main\+xml"),
    "docx": re.compile(rb"wordprocessingml\.document\.main\+xml|ms-word\.document\.macroEnabled\.main\+xml"
                       rb"|wordprocessingml\.template\.main\+xml"),
}
_OFFICE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


class ContainerProblem(Exception):
    """The OOXML container breaks a limit or is damaged; code is stable, reason is for people."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


def ooxml_kind(path: Path) -> str | None:
    """Return "xlsx" or "docx" when the ZIP at path declares a spreadsheet or word-processing main part."""
    try:
        with path.open("rb") as fp:
            directory = locate_central_directory(fp, path.stat().st_size)
            if count_entries(fp, directory, stop_after=_MAX_PARTS_FOR_DETECTION) > _MAX_PARTS_FOR_DETECTION:
                return None
            with zipfile.ZipFile(fp) as archive:
                info = archive.getinfo(CONTENT_TYPES)
                if info.file_size > _CONTENT_TYPES_BYTES or info.compress_type not in _OFFICE_METHODS:
                    return None
                with archive.open(info) as handle:
                    content_types = handle.read(_CONTENT_TYPES_BYTES)
    except (LayoutError, KeyError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        return None
    for kind, pattern in _MAIN_PART_TYPES.items():
        if pattern.search(content_types):
            return kind
    return None


def check_container(path: Path, limits: IngestLimits) -> None:
    """Refuse an OOXML file whose parts would cost more than a package's file may, before a parser opens it.

    zipfile never inflates a part past the size its directory record declares, so bounding the declared sizes
    (in total, and per part against the compression ratio) bounds what the parser can be made to decompress.
    """
    try:
        with path.open("rb") as fp:
            file_size = path.stat().st_size
            directory = locate_central_directory(fp, file_size)
            if count_entries(fp, directory, stop_after=limits.max_entries) > limits.max_entries:
                raise ContainerProblem("too_many_entries", f"the document has more than {limits.max_entries} parts")
            with zipfile.ZipFile(fp) as archive:
                infos = archive.infolist()
                _check_parts(infos, limits)
                extents = [entry_extent(fp, info, file_size) for info in infos]
                if any(extent is None for extent in extents):
                    raise ContainerProblem("corrupt_document", "a part's local header is missing or outside the file")
                spans = {index: (extent[0], extent[2]) for index, extent in enumerate(extents) if extent}
                if find_overlaps(spans, archive.start_dir):
                    raise ContainerProblem("overlapping_entry", "the document's parts share bytes (overlap bomb)")
    except (LayoutError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError) as error:
        raise ContainerProblem("corrupt_document",
                               f"the document's ZIP container is corrupt: {described(error)}") from error


def _check_parts(infos: list[zipfile.ZipInfo], limits: IngestLimits) -> None:
    total = 0
    for info in infos:
        if info.compress_type not in _OFFICE_METHODS:
            raise ContainerProblem("unsupported_compression", f"part {info.filename} uses method {info.compress_type}")
        if info.flag_bits & 0x1:
            raise ContainerProblem("encrypted", f"part {info.filename} is encrypted")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_check_min_bytes and ratio > limits.max_compression_ratio:
            raise ContainerProblem(
                "ratio_exceeded",
                f"part {info.filename} expands more than {limits.max_compression_ratio:g}:1 "
                f"({info.file_size} bytes from {info.compress_size})",
            )
        total += info.file_size
        if total > limits.max_file_uncompressed:
            raise ContainerProblem(
                "too_large", f"the document's parts exceed {limits.max_file_uncompressed} bytes uncompressed"
            )
