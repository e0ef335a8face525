"""ZIP archives forged record by record, so tests can tell any lie an attacker can (sizes, CRCs, offsets)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

MIB = 1024 * 1024
STORED, DEFLATED = 0, 8
ENCRYPTED_FLAG = 0x1
UTF8_NAME_FLAG = 0x800
SYMLINK_MODE = 0o120777 << 16
FIFO_MODE = 0o010644 << 16
_DOS_DATE = 0x21  # 1980-01-01, the zero date of ZIP timestamps
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")


@dataclass
class Forged:
    """One entry exactly as it will sit in the archive, lies included."""

    name: str
    payload: bytes
    method: int = STORED
    plain: bytes | None = None  # what payload decompresses to; defaults to payload
    declared_size: int | None = None
    crc: int | None = None
    flags: int = 0
    external_attr: int = 0
    zip64_declared_size: int | None = None

    def record_fields(self) -> tuple[int, int]:
        """The (crc, size) the records carry: the truth unless the entry says to lie."""
        plain = self.payload if self.plain is None else self.plain
        crc = zlib.crc32(plain) if self.crc is None else self.crc
        size = len(plain) if self.declared_size is None else self.declared_size
        return crc, size


def deflate(data: bytes) -> bytes:
    """Raw deflate, as ZIP stores it."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def deflated(name: str, plain: bytes, **fields) -> Forged:
    """An honest deflated entry, unless fields say otherwise."""
    return Forged(name=name, payload=deflate(plain), method=DEFLATED, plain=plain, **fields)


def zeros_deflated(total: int) -> tuple[bytes, int]:
    """Raw deflate of `total` zero bytes (a whole number of MiB) and its CRC, in O(1 MiB) memory.

    After a full flush the compressor forgets its history, so every MiB of zeros compresses to the same block
    and the stream is that block repeated: a 1 GiB bomb costs one small compression and a CRC pass.
    """
    if total % MIB:
        raise ValueError("total must be a whole number of MiB")
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(total // MIB):
        crc = zlib.crc32(chunk, crc)
    return block * (total // MIB) + compressor.flush(zlib.Z_FINISH), crc


def local_header(name: bytes, flags: int, method: int, crc: int, compressed: int, size: int) -> bytes:
    """A local file header without extra field."""
    fixed = _LOCAL.pack(b"PK\x03\x04", 20, flags, method, 0, _DOS_DATE, crc, compressed, size, len(name), 0)
    return fixed + name


def central_record(
    entry: Forged, name: bytes, flags: int, crc: int, size: int, offset: int, compressed: int | None = None
) -> bytes:
    """A central directory record; a ZIP64 extra field carries the entry's ZIP64 size claim if it has one."""
    extra = b""
    compressed = len(entry.payload) if compressed is None else compressed
    if entry.zip64_declared_size is not None:
        extra = struct.pack("<2H2Q", 1, 16, entry.zip64_declared_size, compressed)
        size, compressed = 0xFFFFFFFF, 0xFFFFFFFF
    fixed = _CENTRAL.pack(
        b"PK\x01\x02", 20, 3, 20, 0, flags, entry.method, 0, _DOS_DATE, crc, compressed, size,
        len(name), len(extra), 0, 0, 0, entry.external_attr, offset,
    )
    return fixed + name + extra


class ZipForger:
    """Writes entries straight to a stream, keeping only the directory records in memory."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._records: list[bytes] = []
        self._entries: list[tuple[Forged, int]] = []

    def add(self, entry: Forged) -> int:
        """Write the entry's local header and data; return the header's offset."""
        name = entry.name.encode("utf-8")
        crc, size = entry.record_fields()
        flags = entry.flags | UTF8_NAME_FLAG
        offset = self._out.tell()
        self._out.write(local_header(name, flags, entry.method, crc, len(entry.payload), size))
        self._out.write(entry.payload)
        self._records.append(central_record(entry, name, flags, crc, size, offset))
        self._entries.append((entry, offset))
        return offset

    def add_all(self, entries: Iterable[Forged]) -> None:
        for entry in entries:
            self.add(entry)

    def alias(self, index: int, name: str) -> None:
        """Another directory record pointing at an already written local header."""
        entry, offset = self._entries[index]
        record = central_record(
            entry, name.encode(), UTF8_NAME_FLAG, zlib.crc32(entry.payload), len(entry.payload), offset
        )
        self._records.append(record)

    def write_raw(self, data: bytes) -> int:
        """Bytes that belong to no entry of their own (quoted headers, for instance); return their offset."""
        offset = self._out.tell()
        self._out.write(data)
        return offset

    def add_record(self, record: bytes) -> None:
        """A directory record built by the caller, for layouts `add` cannot express."""
        self._records.append(record)

    def finish(self, declared_count: int | None = None) -> None:
        """Write the central directory and end record (ZIP64 ones when the count needs them)."""
        directory_offset = self._out.tell()
        for record in self._records:
            self._out.write(record)
        count = len(self._records) if declared_count is None else declared_count
        directory_size = self._out.tell() - directory_offset
        if count > 0xFFFF:  # only ZIP64 end records can count that far
            zip64_end = self._out.tell()
            self._out.write(_ZIP64_END.pack(
                b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, directory_size, directory_offset
            ))
            self._out.write(_ZIP64_LOCATOR.pack(b"PK\x06\x07", 0, zip64_end, 1))
            count = 0xFFFF
        self._out.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, directory_size, directory_offset, 0))


def forge_zip(
    entries: Iterable[Forged], aliases: Iterable[tuple[int, str]] = (), declared_count: int | None = None
) -> bytes:
    """Local headers, a central directory (plus aliases of earlier headers) and an end record, in memory."""
    out = io.BytesIO()
    forger = ZipForger(out)
    forger.add_all(entries)
    for target, alias in aliases:
        forger.alias(target, alias)
    forger.finish(declared_count)
    return out.getvalue()


def empty_zip() -> bytes:
    """The smallest valid ZIP: an end record and nothing else."""
    return _END.pack(b"PK\x05\x06", 0, 0, 0, 0, 0, 0, 0)
