"""Reads a ZIP's own layout records, so we can refuse a package before zipfile builds objects for it."""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
END_RECORD_SIGNATURE = b"PK\x05\x06"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_SIGNATURE = b"PK\x06\x06"

_END_RECORD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_CENTRAL_FIXED = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL_FIXED_SIZE = 30
_MAX_COMMENT = 0xFFFF


class LayoutError(Exception):
    """The archive's directory records are missing, truncated or contradictory."""


@dataclass(frozen=True)
class CentralDirectory:
    """Where the central directory sits and how many entries it says it holds."""

    offset: int
    size: int
    declared_entries: int


def starts_like_zip(head: bytes) -> bool:
    """A package must begin with a local header, or be the bare end record of an empty archive."""
    return head[:4] in (LOCAL_HEADER_SIGNATURE, END_RECORD_SIGNATURE)


def locate_central_directory(fp: BinaryIO, file_size: int) -> CentralDirectory:
    """Find the end record (and its ZIP64 twin) and check the directory lies inside the file."""
    tail_size = min(file_size, _END_RECORD.size + _MAX_COMMENT)
    fp.seek(file_size - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(END_RECORD_SIGNATURE)
    if at < 0 or at + _END_RECORD.size > len(tail):
        raise LayoutError("no end of central directory record: the archive is truncated or not a ZIP")
    end_position = file_size - tail_size + at
    _, disk, directory_disk, _, entries, size, offset, _ = _END_RECORD.unpack_from(tail, at)
    if disk != 0 or directory_disk != 0:
        raise LayoutError("multi-volume archives are not supported")
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        entries, size, offset, end_position = _read_zip64_end(fp, end_position)
    if offset + size > end_position:
        raise LayoutError("central directory extends past the end of the archive: it is truncated or corrupt")
    return CentralDirectory(offset=offset, size=size, declared_entries=entries)


def count_entries(fp: BinaryIO, directory: CentralDirectory, stop_after: int) -> int:
    """Walk the directory records, stopping early once there are more than stop_after of them."""
    fp.seek(directory.offset)
    consumed = count = 0
    while consumed < directory.size:
        fixed = fp.read(_CENTRAL_FIXED.size)
        if len(fixed) < _CENTRAL_FIXED.size or fixed[:4] != _CENTRAL_SIGNATURE:
            raise LayoutError("corrupt central directory record")
        fields = _CENTRAL_FIXED.unpack(fixed)
        variable = fields[12] + fields[13] + fields[14]
        fp.seek(variable, 1)
        consumed += _CENTRAL_FIXED.size + variable
        count += 1
        if count > stop_after:
            break
    return count


def entry_extent(fp: BinaryIO, info: zipfile.ZipInfo, file_size: int) -> tuple[int, int, int] | None:
    """Return (header start, data start, data end) from the entry's local header, or None if it is broken."""
    if info.header_offset < 0 or info.header_offset + _LOCAL_FIXED_SIZE > file_size:
        return None
    fp.seek(info.header_offset)
    fixed = fp.read(_LOCAL_FIXED_SIZE)
    if fixed[:4] != LOCAL_HEADER_SIGNATURE:
        return None
    name_length, extra_length = struct.unpack_from("<2H", fixed, 26)
    data_start = info.header_offset + _LOCAL_FIXED_SIZE + name_length + extra_length
    data_end = data_start + info.compress_size
    if data_end > file_size:
        return None
    return info.header_offset, data_start, data_end


def find_overlaps(extents: dict[int, tuple[int, int]], directory_offset: int) -> set[int]:
    """Indices of entries sharing bytes with another entry or the directory: the mark of overlap bombs."""
    overlapping: set[int] = set()
    widest_index, widest_end = -1, -1
    for index, (start, end) in sorted(extents.items(), key=lambda item: item[1]):
        if end > directory_offset:
            overlapping.add(index)
        if start < widest_end:
            overlapping.update((index, widest_index))
        if end > widest_end:
            widest_index, widest_end = index, end
    return overlapping


def _read_zip64_end(fp: BinaryIO, end_position: int) -> tuple[int, int, int, int]:
    locator_position = end_position - _ZIP64_LOCATOR.size
    if locator_position < 0:
        raise LayoutError("ZIP64 locator missing")
    fp.seek(locator_position)
    locator = fp.read(_ZIP64_LOCATOR.size)
    if locator[:4] != _ZIP64_LOCATOR_SIGNATURE:
        raise LayoutError("ZIP64 locator missing")
    _, _, zip64_end_position, _ = _ZIP64_LOCATOR.unpack(locator)
    if zip64_end_position + _ZIP64_END.size > locator_position:
        raise LayoutError("ZIP64 end record points outside the archive")
    fp.seek(zip64_end_position)
    record = fp.read(_ZIP64_END.size)
    if record[:4] != _ZIP64_END_SIGNATURE:
        raise LayoutError("ZIP64 end record missing")
    _, _, _, _, disk, directory_disk, _, entries, size, offset = _ZIP64_END.unpack(record)
    if disk != 0 or directory_disk != 0:
        raise LayoutError("multi-volume archives are not supported")
    return entries, size, offset, zip64_end_position
