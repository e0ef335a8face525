"""Typed spans read from where a value starts: an organisation name, a title phrase, a reference token.

Each reader returns (answer, start, end) with offsets into the text, or None when what follows is not that kind of
value (a UASG code where a name was cued, an empty form field, a sentence instead of a token).
"""

from __future__ import annotations

import re

Span = tuple[str, int, int]

MAX_NAME_CHARS = 100
MAX_TITLE_CHARS = 160
MAX_TITLE_LINES = 4

_LINE_END = re.compile(r"\n|$")
# Where an organisation's name ends: its address, registration number or the clause that follows it.
_NAME_END = re.compile(
    r"\s*(?:[,;|]|\s[-–—]\s|\s{2,}|\bCNPJ\b|\bCUIT\b|\bNIF\b|\bINN\b|\bИНН\b|\bУНП\b|\bsediad[ao]\b|\blocated\b"
    r"|\bwith (?:its )?(?:registered|head)|\bcon (?:sede|domicilio)\b|\bpor (?:meio|intermédio)\b)",
    re.I,
)
_NOT_A_NAME = re.compile(r"@|https?:|www\.|^(?:n/?a|none|nil|-+|_+)$", re.I)
# A per-lot value (`по лоту № 1: ...`, `for lot 2`) names one lot, not the tender.
_LOT_QUALIFIER = re.compile(r"^(?:(?:по|for|of|do|del|de|für|pour)\s+)?(?:лот[ау]?|lot|lote|los)\b", re.I)
# Template placeholders (`00x/2025`, `___/2024`) are not references.
_PLACEHOLDER = re.compile(r"\d[xX]|[xX]\d|[xX]{2}|_{2}")
# Where a title ends: its sentence, or the clause that starts the conditions after it.
_TITLE_END = re.compile(
    r"[.;](?:\s|$)|:\s|\s\|\s|\s{3,}"
    r"|,\s*(?:conforme|de acordo|nos termos|segundo|según|de acuerdo|conforme a|in accordance|as per|according"
    r"|as (?:described|specified|detailed)|в соответствии|согласно|gemäß|conformément)"
    r"|\s(?:в соответствии с|согласно|in accordance with|de acuerdo con|conforme (?:o|a|as|os)\b)",
    re.I,
)
REFERENCE_TOKEN = re.compile(r"[A-Za-z0-9\u0400-\u04FF][A-Za-z0-9\u0400-\u04FF/_.\-]*")


def line_at(text: str, start: int) -> str:
    end = _LINE_END.search(text, start)
    return text[start : end.start() if end else len(text)]


def read_organisation(text: str, start: int) -> Span | None:
    """A name on one line, up to its address or the next clause; it starts with a capital and has words."""
    line = line_at(text, start)
    cut = _NAME_END.search(line)
    name = _shorten(line[: cut.start()] if cut else line, MAX_NAME_CHARS).strip(" .:\"'“”«»")
    if len(name) < 3 or _NOT_A_NAME.search(name) or not name[0].isupper():
        return None
    letters = sum(char.isalpha() for char in name)
    if letters < 3 or letters < 0.6 * len(name.replace(" ", "")):
        return None
    offset = start + line.find(name)
    return name, offset, offset + len(name)


def read_title(text: str, start: int) -> Span | None:
    """A phrase up to its sentence end, joined across wrapped lines, at most MAX_TITLE_CHARS."""
    lines: list[str] = []
    position = start
    while position < len(text) and len(lines) < MAX_TITLE_LINES:
        line = line_at(text, position)
        lines.append(line.strip())
        position += len(line) + 1
        if _TITLE_END.search(line) or not line.strip():
            break
    joined = " ".join(part for part in lines if part)
    cut = _TITLE_END.search(joined)
    title = _shorten(joined[: cut.start()] if cut else joined, MAX_TITLE_CHARS).strip(" ,:-–\"'“”«»")
    if len(title) < 6 or not title[0].isalpha() or _NOT_A_NAME.search(title) or _LOT_QUALIFIER.match(title):
        return None
    return title, start, min(position, len(text))


def read_reference(text: str, start: int) -> Span | None:
    """The first token after the cue when it holds a digit and is not a bare clause number."""
    token = REFERENCE_TOKEN.match(text, start)
    if not token:
        return None
    reference = token.group(0).rstrip(".-/_")
    if len(reference) < 3 or not any(char.isdigit() for char in reference) or _PLACEHOLDER.search(reference):
        return None
    return reference, token.start(), token.start() + len(reference)


def _shorten(value: str, limit: int) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit)
    return value[: cut if cut > 0 else limit]
