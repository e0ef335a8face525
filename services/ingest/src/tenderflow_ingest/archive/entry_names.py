"""Checks on archive entry names, because a name is the first thing an attacker controls."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass

# Bidi controls let "invoice\u202efdp.exe" display as "invoiceexe.pdf"; zero-width marks hide the same tricks.
_BIDI_AND_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_UTF8_NAME_FLAG = 0x800
# Files operating systems add when zipping a folder; nobody means to submit them.
_OS_METADATA_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class NameProblem:
    """Why an entry name is refused, as a stable code and a sentence for people."""

    code: str
    reason: str


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's full name (zipfile cuts names at NUL), read as UTF-8 where the flag was left unset.

    macOS and many tools write UTF-8 names without the flag; zipfile then shows them as cp437 mojibake.
    """
    name = info.orig_filename
    if info.flag_bits & _UTF8_NAME_FLAG or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def is_os_metadata(name: str) -> bool:
    """macOS resource forks (__MACOSX/) and Finder/Explorer files are skipped like directories."""
    parts = split_parts(name)
    if not parts:
        return False
    return parts[0] == "__MACOSX" or parts[-1].lower() in _OS_METADATA_NAMES


def find_name_problem(name: str, max_length: int) -> NameProblem | None:
    """Return the first reason the entry name is unsafe, or None when it may be accepted."""
    bad = next((ch for ch in name if _is_control(ch)), None)
    if bad is not None:
        return NameProblem("control_characters", f"name contains control character U+{ord(bad):04X}")
    if len(name) > max_length:
        return NameProblem("name_too_long", f"name has {len(name)} characters; at most {max_length} allowed")
    if not name.strip():
        return NameProblem("empty_name", "entry has an empty name")
    if name.startswith(("/", "\\")) or _DRIVE_LETTER.match(name):
        return NameProblem("absolute_path", "name is an absolute path")
    if ".." in split_parts(name):
        return NameProblem("path_traversal", "name climbs out of the archive with '..'")
    return None


def split_parts(name: str) -> list[str]:
    """Split on both separators: Windows tools treat a backslash as a directory separator."""
    return [part for part in re.split(r"[\\/]", name) if part]


def duplicate_key(name: str) -> str:
    """Key under which two names land on the same file on a case-insensitive, normalizing filesystem."""
    normalized = unicodedata.normalize("NFC", "/".join(split_parts(name)))
    return normalized.casefold()


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _BIDI_AND_INVISIBLE
