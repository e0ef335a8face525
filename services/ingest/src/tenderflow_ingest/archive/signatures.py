"""Recognizes archives by their first bytes, since a nested archive can carry any name."""

from __future__ import annotations

# Enough bytes to see every signature below, including tar's "ustar" at offset 257.
SIGNATURE_HEAD_BYTES = 512

_LEADING_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"MSCF", "CAB"),
)


def archive_kind(head: bytes) -> str | None:
    """Name the archive format the bytes start with, or None when they are not an archive."""
    for signature, kind in _LEADING_SIGNATURES:
        if head.startswith(signature):
            return kind
    # bzip2 is only "BZh" plus a digit, too short to trust without the first block's magic.
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90"):
        return "bzip2"
    if head[257:262] == b"ustar":
        return "tar"
    return None
