"""Section focus for documents of many notices (bulletins, gazettes): a question about one notice's subject is
answered from that notice's passages, never from the masthead or a neighbour.

The workspace opens every chunk of such a document with its notice's heading, so a passage's section is its first
line's notice number when that line reads as a notice heading (the shapes the workspace splits at).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.subjects import shared_words, subject_of

MAX_HEADING_CHARS = 120

_NOTICE_WORDS = (
    r"aviso\s+de\s+licita\w+|aviso\s+de\s+preg\w+|preg[aã]o\s+(?:eletr[oô]nico|presencial)|concorr[eê]ncia"
    r"|tomada\s+de\s+pre[çc]os|dispensa\s+de\s+licita\w+|anuncio\s+de\s+licitaci[oó]n|licitaci[oó]n"
    r"|tender\s+(?:no\.?|notice|number)|invitation\s+to\s+tender|call\s+for\s+tenders?|contract\s+notice"
    r"|извещение|закупк\w+\s+№"
)
_KIND_HEADING = re.compile(rf"^\W*(?:{_NOTICE_WORDS})\b", re.I)
# The notice's own number (`Nº 12/2024`, `No. 45/2024`): it tells one notice of a bulletin from the next.
_NOTICE_NUMBER = re.compile(r"(?:\b[nN][º°oO]\.?|№|#)\s*(\d+(?:[/.\-–]\d+)*)")
_CAPITALS = re.compile(r"^(?=[^a-zа-яß-ÿ]*$)(?=.*[A-ZÀ-ÞА-ЯЁ]{3})")
# A line in capitals is a notice's heading only when it names a notice (`LEI Nº 14.133/2021` cites a law).
_NOTICE_WORD = re.compile(
    r"\b(?:edital|aviso|preg[aã]o|licita\w*|concorr[eê]ncia|tomada|convite|chamada|tender|notice|anuncio|извещение)\b",
    re.I,
)
_KIND_ONLY = re.compile(rf"^\W*(?:{_NOTICE_WORDS})\W*$", re.I)
# Tender numbers and other figures the question names (`45/2024`, `PE-12`): they single out a notice.
_FIGURE = re.compile(r"\d+(?:[/.\-]\d+)*")


def focus_on_section(question: str, passages: Sequence[Passage]) -> Sequence[Passage]:
    """Only the passages of the notices that best match the question's subject, when it names one some lack."""
    sections = [_section_of(passage.text) for passage in passages]
    headings = {section for section in sections if section}
    if len(headings) < 2:
        return passages
    texts = {heading: "\n".join(p.text for p, s in zip(passages, sections, strict=True) if s == heading)
             for heading in headings}
    matched = {heading: _cues_in(question, text) for heading, text in texts.items()}
    everywhere = set.intersection(*matched.values())
    scores = {heading: len(cues - everywhere) for heading, cues in matched.items()}
    best = max(scores.values())
    if best == 0:
        return passages
    return [p for p, s in zip(passages, sections, strict=True) if s is not None and scores[s] == best]


def _cues_in(question: str, text: str) -> set[str]:
    """The question's subject words and figures that `text` has; a figure counts twice, being nearly unique."""
    subject = subject_of(question)
    cues = {f"word:{position}" for position in shared_words(subject, text)}
    figures = set(_FIGURE.findall(text))
    for figure in _FIGURE.findall(question):
        if figure in figures:
            cues |= {f"figure:{figure}", f"figure+:{figure}"}
    return cues


def _section_of(text: str) -> str | None:
    """The number of the notice whose heading opens the passage, if one does."""
    lines = text.lstrip().split("\n", 2)
    first = lines[0].strip()
    second = lines[1].strip() if len(lines) > 1 else ""
    if _KIND_ONLY.match(first) and _notice_number(second):
        return _notice_number(f"{first} {second}")
    return _notice_number(first)


def _notice_number(line: str) -> str | None:
    number = _NOTICE_NUMBER.search(line) if len(line) <= MAX_HEADING_CHARS else None
    if number is None:
        return None
    if _KIND_HEADING.match(line) or (_CAPITALS.match(line) and _NOTICE_WORD.search(line) and "/" in number[1]):
        return number[1]
    return None
