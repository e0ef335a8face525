"""Decompresses one entry to disk while counting real bytes, because header sizes are attacker input."""

from __future__ import annotations

import bz2
import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tenderflow_ingest.archive.signatures import SIGNATURE_HEAD_BYTES, archive_kind
from tenderflow_ingest.archive.verdicts import Cancelled
from tenderflow_ingest.limits import IngestLimits

_READ_BYTES = 64 * 1024
_OUTPUT_STEP = 1024 * 1024
STORED, DEFLATED, BZIP2 = 0, 8, 12
SUPPORTED_METHODS = frozenset({STORED, DEFLATED, BZIP2})


class DamagedData(Exception):
    """The compressed bytes cannot be decoded; the entry is at fault, not our disk or the service."""


class EntryRejected(Exception):
    """One entry broke a limit or is damaged; the package goes on without it."""

    def __init__(self, code: str, reason: str, size: int) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class EntryData:
    """Where the raw bytes of an entry sit and what its directory record claims about them."""

    method: int
    data_start: int
    compressed_size: int
    declared_size: int
    declared_crc: int


@dataclass(frozen=True)
class SpoolResult:
    """The real size and digest of an entry that was written out in full."""

    size: int
    sha256: str


def spool_entry(
    fp: BinaryIO,
    entry: EntryData,
    target: Path,
    limits: IngestLimits,
    total_budget: int,
    cancelled: Callable[[], bool] | None,
) -> SpoolResult:
    """Write the entry to target, stopping the moment a limit is crossed (EntryRejected) or on Cancelled."""
    size = 0
    crc = 0
    digest = hashlib.sha256()
    head = b""
    next_cancel_check = limits.cancel_check_bytes
    try:
        # Spool names are ours alone, so a stale file from an interrupted run is simply replaced.
        with target.open("wb") as out:
            for chunk in _decompressed_chunks(fp, entry):
                size += len(chunk)
                _enforce_limits(size, entry.compressed_size, limits, total_budget)
                if len(head) < SIGNATURE_HEAD_BYTES:
                    head += chunk[: SIGNATURE_HEAD_BYTES - len(head)]
                    if len(head) >= SIGNATURE_HEAD_BYTES:
                        _refuse_nested_archive(head, size)
                if size >= next_cancel_check:
                    next_cancel_check += limits.cancel_check_bytes
                    if cancelled is not None and cancelled():
                        raise Cancelled()
                crc = zlib.crc32(chunk, crc)
                digest.update(chunk)
                out.write(chunk)
        _refuse_nested_archive(head, size)
        _check_integrity(entry, size, crc)
    except DamagedData as error:
        target.unlink(missing_ok=True)
        raise EntryRejected("corrupt_entry", f"compressed data is corrupt ({error})", size) from error
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return SpoolResult(size=size, sha256=digest.hexdigest())


def _enforce_limits(size: int, compressed_size: int, limits: IngestLimits, total_budget: int) -> None:
    ratio = size / max(compressed_size, 1)
    if size >= limits.ratio_check_min_bytes and ratio > limits.max_compression_ratio:
        raise EntryRejected(
            "ratio_exceeded",
            f"expands more than {limits.max_compression_ratio:g}:1 ({size} bytes from {compressed_size})",
            size,
        )
    if size > limits.max_file_uncompressed:
        raise EntryRejected(
            "too_large", f"larger than {limits.max_file_uncompressed} bytes uncompressed", size
        )
    if size > total_budget:
        raise EntryRejected(
            "total_size_exceeded",
            f"package exceeds {limits.max_total_uncompressed} bytes uncompressed in total",
            size,
        )


def _refuse_nested_archive(head: bytes, size: int) -> None:
    kind = archive_kind(head)
    # A ZIP may be an XLSX or DOCX, which only its whole directory tells; the judge decides once it is spooled.
    if kind is not None and kind != "ZIP":
        reason = f"content is a {kind} archive; nested archives are not accepted"
        raise EntryRejected("nested_archive", reason, size)


def _check_integrity(entry: EntryData, size: int, crc: int) -> None:
    if size != entry.declared_size:
        raise EntryRejected(
            "corrupt_entry", f"header declares {entry.declared_size} bytes but the entry holds {size}", size
        )
    if crc != entry.declared_crc:
        raise EntryRejected("corrupt_entry", "CRC check failed: the entry is damaged", size)


def _raw_chunks(fp: BinaryIO, entry: EntryData) -> Iterator[bytes]:
    fp.seek(entry.data_start)
    left = entry.compressed_size
    while left > 0:
        data = fp.read(min(_READ_BYTES, left))
        if not data:
            raise DamagedData("archive ends inside the entry's data")
        left -= len(data)
        yield data


def _decompressed_chunks(fp: BinaryIO, entry: EntryData) -> Iterator[bytes]:
    """Yield output in bounded steps so one small input chunk can never balloon in memory."""
    if entry.method == STORED:
        yield from _raw_chunks(fp, entry)
        return
    if entry.method == DEFLATED:
        yield from _inflate(_raw_chunks(fp, entry))
        return
    yield from _bunzip(_raw_chunks(fp, entry))


def _inflate(raw: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for data in raw:
        pending = data
        while not inflater.eof:
            try:
                out = inflater.decompress(pending, _OUTPUT_STEP)
            except zlib.error as error:
                raise DamagedData(str(error)) from error
            if out:
                yield out
            pending = inflater.unconsumed_tail
            if not pending and len(out) < _OUTPUT_STEP:
                break
    if not inflater.eof:
        raise DamagedData("deflate stream ends early")


def _bunzip(raw: Iterator[bytes]) -> Iterator[bytes]:
    decompressor = bz2.BZ2Decompressor()
    for data in raw:
        pending = data
        while not decompressor.eof:
            try:
                out = decompressor.decompress(pending, _OUTPUT_STEP)
            except (OSError, EOFError) as error:
                raise DamagedData(str(error)) from error
            if out:
                yield out
            pending = b""
            if decompressor.needs_input:
                break
    if not decompressor.eof:
        raise DamagedData("bzip2 stream ends early")
