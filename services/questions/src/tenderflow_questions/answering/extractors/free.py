"""Free-form questions: the line about the question's subject (its content words, in the document's language too),
in the row or section the question names, and the shortest span of the asked-for type after those words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import AnswerKind, Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.fields import ROW_TYPES, STRUCTURED_TYPES, parse_fields
from tenderflow_questions.answering.subjects import Subject, mentions_row, shared_words, subject_of
from tenderflow_questions.answering.typed import ANNOUNCING, PLAIN_AMOUNT, READERS, TypedReader, read_person

_LINE = re.compile(r"[^\n]+")
_ANY_ROW = re.compile(
    r"\b(?:lot|lote|лот[ау]?|item|pool)\s*(?:no\.?|n[º°]|№|#)?\s*(?:\d{1,4}|[ivx]{1,4}\b|one\b|two\b|three\b)", re.I
)
# Kinds read as the words right after the subject; typed values (dates, amounts, names) are found by their shape.
PHRASE_KINDS = frozenset({AnswerKind.PLACE, AnswerKind.TEXT, AnswerKind.NAME})
_NUMBERING = re.compile(r"\s*(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|[a-z]\))\s+", re.I)
# A signature block's role line is short: `PREFEITO`, `Agente de Contratação/Pregoeiro`.
SIGNATURE_ROLE_WORDS = 6
# Where a value may still be read after the subject's words: the rest of their line and the next one.
FOLLOWING_LINES = 1
WINDOW_CHARS = 300


@dataclass(frozen=True, slots=True)
class _Reading:
    """How a kind of answer is read from a line about the subject."""

    read: TypedReader
    announcing: re.Pattern[str] | None
    after_subject: bool
    last_amount: bool
    signatures: bool

    @classmethod
    def of(cls, kind: AnswerKind, subject: Subject) -> _Reading:
        return cls(
            read=READERS.get(kind, READERS[AnswerKind.TEXT]),
            announcing=ANNOUNCING.get(kind),
            after_subject=kind in PHRASE_KINDS,
            last_amount=kind is AnswerKind.MONEY and any(forms[0] == "total" for forms in subject.words),
            signatures=kind is AnswerKind.PERSON,
        )


def extract_free(kind: AnswerKind, question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """The best-supported typed span near the question's subject, or None when no line is about it."""
    subject = subject_of(question.text)
    if not subject.words and subject.number is None:
        return None
    reading = _Reading.of(kind, subject)
    candidates: list[Candidate] = []
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        if passage.doc_type in ROW_TYPES:
            candidates += _row_candidates(subject, passage, index, reading.read)
        else:
            candidates += _line_candidates(subject, passage, index, reading)
    return choose_one(candidates, passages)


def _line_candidates(subject: Subject, passage: Passage, index: int, reading: _Reading) -> list[Candidate]:
    text = passage.text
    lines = list(_LINE.finditer(text))
    in_section = subject.number is None
    candidates = []
    for number, line in enumerate(lines):
        row = mentions_row(subject, line.group(0))
        if subject.number is not None:
            if row:
                in_section = True
            elif _ANY_ROW.search(line.group(0)):
                in_section = False
            if not in_section:
                continue
        ends = shared_words(subject, line.group(0))
        # A heading on the line before counts too: `Contacto` above `Teléfono +34 ...`.
        above = shared_words(subject, lines[number - 1].group(0)) if number else {}
        matched = len(ends.keys() | above.keys()) if ends else 0
        if reading.signatures and number and ends and len(line.group(0).split()) <= SIGNATURE_ROLE_WORDS:
            share = len(ends) / len(subject.words)
            candidates += _signature(lines[number - 1], passage, index, round(0.3 + 0.3 * share, 4))
        if not row and (not ends or matched < subject.needed):
            continue
        offset = _value_offset(reading.after_subject, line.group(0), list(ends.values()), row)
        announcer = reading.announcing.search(line.group(0)) if reading.announcing and reading.after_subject else None
        offset = announcer.end() if announcer else offset
        start = line.start() + offset
        stop = lines[min(number + FOLLOWING_LINES, len(lines) - 1)].end()
        window = text[start : min(stop, start + WINDOW_CHARS)]
        span = _last_amount(window) if row and reading.last_amount else reading.read(window)
        if span is None:
            continue
        answer, low, high = span
        share = min(1.0, matched / len(subject.words)) if subject.words else 1.0
        announced = bool(announcer or (reading.announcing and reading.announcing.search(window[:low])))
        # Places and names are written with a capital or a number; a lowercase phrase is the sentence going on.
        announced -= reading.after_subject and answer[:1].islower()
        strength = 0.3 + 0.3 * share + 0.1 * bool(row) + 0.1 * announced - 0.05 * (low > len(line.group(0)) - offset)
        candidates.append(Candidate(answer, answer.casefold(), index, start + low, start + high, round(strength, 4)))
    return candidates


def _last_amount(window: str) -> tuple[str, int, int] | None:
    """A price table row lists the unit price before the total: a total is the row's last amount."""
    line = window.split("\n", 1)[0]
    amounts = list(PLAIN_AMOUNT.finditer(line))
    return (amounts[-1].group(0), amounts[-1].start(), amounts[-1].end()) if amounts else None


def _signature(above: re.Match[str], passage: Passage, index: int, strength: float) -> list[Candidate]:
    """A signature block: the role on this line (`PREFEITO`), the person's name alone on the line above."""
    name = read_person(above.group(0))
    if name is None or name[0] != above.group(0).strip():
        return []
    start = above.start() + name[1]
    return [Candidate(name[0], name[0].casefold(), index, start, start + len(name[0]), strength + 0.1)]


def _value_offset(after_subject: bool, line: str, ends: list[int], row: re.Match[str] | None) -> int:
    """Phrases are read after the subject's words; typed values anywhere after the row named or the numbering."""
    if after_subject and ends:
        return max([*ends, row.end() if row else 0])
    if row:
        return row.end()
    numbering = _NUMBERING.match(line)
    return numbering.end() if numbering else 0


def _row_candidates(subject: Subject, passage: Passage, index: int, read: TypedReader) -> list[Candidate]:
    """A spreadsheet or CSV row: the row the question names, the cell whose header matches the question."""
    if subject.number is not None and not mentions_row(subject, passage.text):
        return []
    candidates = []
    for field in parse_fields(passage):
        if not field.key or not field.value.strip():
            continue
        ends = shared_words(subject, field.label)
        if not ends or len(ends) < subject.needed:
            continue
        span = read(field.value)
        if span is None:
            continue
        answer, low, high = span
        strength = round(0.4 + 0.3 * len(ends) / len(subject.words) + (0.1 if subject.number else 0.0), 4)
        start = field.start + low
        candidates.append(Candidate(answer, answer.casefold(), index, start, field.start + high, strength))
    return candidates
