"""Notice headings of documents that hold many tenders (bulletins, gazettes): the workspace opens each chunk with
its notice's heading, and the questions service reads a passage's notice from that opening."""

from __future__ import annotations

import re

MAX_HEADING_CHARS = 120

_NOTICE_WORDS = (
    r"aviso\s+de\s+licita\w+|aviso\s+de\s+preg\w+|preg[aã]o\s+(?:eletr[oô]nico|presencial)|concorr[eê]ncia"
    r"|tomada\s+de\s+pre[çc]os|dispensa\s+de\s+licita\w+|anuncio\s+de\s+licitaci[oó]n|licitaci[oó]n"
    r"|tender\s+(?:no\.?|notice|number)|invitation\s+to\s+tender|call\s+for\s+tenders?|contract\s+notice"
    r"|извещение|закупк\w+\s+№"
)
# A notice's heading names its kind, or is all capitals, and in both cases carries its number.
_KIND_HEADING = re.compile(rf"^\W*(?:{_NOTICE_WORDS})\b", re.I)
# The notice's own number (`Nº 12/2024`, `No. 45/2024`): it tells one notice of a bulletin from the next.
_NOTICE_NUMBER = re.compile(r"(?:\b[nN][º°oO]\.?|№|#)\s*(\d+(?:[/.\-–]\d+)*)")
_CAPITALS = re.compile(r"^(?=[^a-zа-яß-ÿ]*$)(?=.*[A-ZÀ-ÞА-ЯЁ]{3})")
# A line in capitals is a notice's heading only when it names a notice (`LEI Nº 14.133/2021` cites a law).
_NOTICE_WORD = re.compile(
    r"\b(?:edital|aviso|preg[aã]o|licita\w*|concorr[eê]ncia|tomada|convite|chamada|tender|notice|anuncio|извещение)\b",
    re.I,
)
# A heading's kind line without the number, followed by the line that carries it (`AVISO DE LICITAÇÃO`).
_KIND_ONLY = re.compile(rf"^\W*(?:{_NOTICE_WORDS})\W*$", re.I)


def notice_number(line: str) -> str | None:
    """The number of the notice a short line opens: `PREGÃO ELETRÔNICO Nº 12/2024`, `Tender No. 45/2024 - Salt`."""
    text = line.strip()
    number = _NOTICE_NUMBER.search(text) if len(text) <= MAX_HEADING_CHARS else None
    if number is None:
        return None
    # A line in capitals names a notice only by a numbered year (`Nº 50` is an item's size, `12/2024` a notice).
    if _KIND_HEADING.match(text) or (_CAPITALS.match(text) and _NOTICE_WORD.search(text) and "/" in number[1]):
        return number[1]
    return None


def heading_starts(text: str) -> list[tuple[int, str]]:
    """Where each notice heading begins in `text`, and the heading as one line (a kind line joins its number)."""
    lines = [(match.start(), match.group(0)) for match in re.finditer(r"[^\n]+", text)]
    starts: list[tuple[int, str]] = []
    position = 0
    while position < len(lines):
        start, line = lines[position]
        following = lines[position + 1][1] if position + 1 < len(lines) else ""
        if _KIND_ONLY.match(line.strip()) and notice_number(following):
            starts.append((start, f"{line.strip()} {following.strip()}"))
            position += 2
            continue
        if notice_number(line):
            starts.append((start, line.strip()))
        position += 1
    return starts


def opening_notice(text: str) -> str | None:
    """The number of the notice whose heading opens `text` (a chunk or passage), if one does."""
    lines = text.lstrip().split("\n", 2)
    first = lines[0].strip()
    second = lines[1].strip() if len(lines) > 1 else ""
    if _KIND_ONLY.match(first) and notice_number(second):
        return notice_number(f"{first} {second}")
    return notice_number(first)
