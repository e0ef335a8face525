"""What reading a package tells the rest of ingest: a verdict per entry and the files worth extracting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class Cancelled(Exception):
    """The job was cancelled while its package was being read or its documents extracted."""


@dataclass(frozen=True)
class FileVerdict:
    """Whether one archive entry was accepted, and if not, why (code for machines, reason for people).

    size is the number of bytes actually decompressed: the full size of an accepted file, the bytes read
    before a limit stopped a rejected one, and 0 when the entry was refused without being read.
    """

    name: str
    accepted: bool
    reason: str | None
    code: str | None
    size: int
    sha256: str | None
    doc_type: str | None

    @classmethod
    def rejected(cls, name: str, code: str, reason: str, size: int = 0) -> FileVerdict:
        """Build the verdict for an entry we refuse."""
        return cls(name=name, accepted=False, reason=reason, code=code, size=size, sha256=None, doc_type=None)


@dataclass(frozen=True)
class SpooledFile:
    """An accepted entry's bytes, spooled to a file under the caller's work directory."""

    name: str
    path: Path
    size: int
    sha256: str
    doc_type: str


@dataclass(frozen=True)
class PackageReading:
    """The outcome for a whole package: either a package-level rejection or per-entry verdicts."""

    verdicts: tuple[FileVerdict, ...] = ()
    files: tuple[SpooledFile, ...] = ()
    rejected_code: str | None = None
    rejected_reason: str | None = None

    @property
    def rejected(self) -> bool:
        """True when the package as a whole was refused and nothing in it was read."""
        return self.rejected_code is not None

    @classmethod
    def refuse(cls, code: str, reason: str) -> PackageReading:
        """Build the outcome for a package we refuse outright."""
        return cls(rejected_code=code, rejected_reason=reason)
