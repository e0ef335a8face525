"""Submission deadlines: dedicated TED and OCDS fields, labelled dates, then dates after deadline words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common import vocabulary
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.dates import find_dates, with_time
from tenderflow_questions.answering.extractors.common import (
    fields_of,
    preceding,
    strength_of,
    strength_table,
)
from tenderflow_questions.answering.extractors.generic import keyed_candidates
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, Field, parse_fields
from tenderflow_questions.answering.text import words

DEADLINE_FIELDS = strength_table(
    (r"procedure\.date_receipt_tenders$", 1.0),
    (r"(?:^|\.)tender\.tenderperiod\.enddate$", 1.0),
    (r"codif_data\.dt_date_for_submission$", 0.9),
    (r"(?:^|\.)tender\.(?:submission|bid|tender)deadline$", 0.9),
)
DEADLINE_CUE = re.compile(r"deadline|closing|closes|close of|submission|submit|receipt|lodg|due date", re.I)
# How directly a cue before a prose date names the tender deadline; the nearest cue decides.
PROSE_STRENGTHS = ((vocabulary.DEADLINE, 0.6), (vocabulary.OPENING, 0.5), (vocabulary.OTHER_DEADLINE, 0.15))
ASKS_FOR_DEADLINE = re.compile(
    r"deadline|closing|\bdue\b|submi|receipt|received|lodg|frist|date limite|remise", re.I
)
# "From what date are proposals received?" asks when a period starts, not when it ends.
ASKS_FOR_START = re.compile(r"\bfrom (?:what|which)\b|\bstart|\bbegin|\bcommenc", re.I)


def extract_date(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Deadline questions read deadline evidence; other date questions read fields named like the question and
    dates written after the question's words."""
    if not ASKS_FOR_DEADLINE.search(question.text) or ASKS_FOR_START.search(question.text):
        keyed = keyed_candidates(question, passages, _first_date)
        return choose_one(keyed + _dates_after(question, passages), passages)
    return choose_one(deadline_candidates(passages), passages)


def deadline_candidates(passages: Sequence[Passage]) -> list[Candidate]:
    candidates: list[Candidate] = []
    claimed: dict[int, list[tuple[int, int]]] = {}
    for index, field in fields_of(passages):
        strength = strength_of(field.key, DEADLINE_FIELDS)
        if strength is None and field.key:
            strength = _label_strength(field.label)
        compact, context = "codif_data" in field.key, passages[index].text
        dates = find_dates(field.value, compact=compact, context=context) if strength is not None else []
        # A labelled value counts when it is the date, not a paragraph that mentions one.
        if dates and not field.value[: dates[0].start].strip():
            found = dates[0]
            iso = _with_sibling_time(passages[index], field, found.iso)
            candidates.append(
                _candidate(iso, index, field.start + found.start, field.start + found.end, strength)
            )
            claimed.setdefault(index, []).append((field.start, field.end))
    for index, passage in enumerate(passages):
        candidates += _prose_deadlines(passage, index, claimed.get(index, []))
    return candidates


def _prose_deadlines(passage: Passage, index: int, claimed: list[tuple[int, int]]) -> list[Candidate]:
    """Dates after a deadline word in the same sentence, in any language: within one value in JSON and XML,
    across line breaks in page text, where sentences and table cells wrap."""
    if passage.doc_type in STRUCTURED_TYPES:
        scopes = [(field.start, field.value) for field in parse_fields(passage) if field.value]
    else:
        scopes = [(0, passage.text)]
    candidates = []
    for offset, text in scopes:
        for found in find_dates(text):
            start, end = offset + found.start, offset + found.end
            if any(low <= start < high for low, high in claimed):
                continue
            strength = _nearest_cue_strength(preceding(text, found.start, 120))
            if strength is not None:
                candidates.append(_candidate(found.iso, index, start, end, strength))
    return candidates


# Words every date question uses, which say nothing about which date is meant.
DATE_QUESTION_NOISE = frozenset({"date", "when", "time", "day", "held", "will", "shall", "what", "tender"})
STEM = 4
WORDS_BEFORE_DATE = 100
# "Propostas recebidas até ..." ends a period: no answer to when it starts.
UNTIL = re.compile(r"(?<!\w)(?:ate|hasta|until|till|bis|jusqu\w*|до|по)(?!\w)")


def _dates_after(question: QuestionSpec, passages: Sequence[Passage]) -> list[Candidate]:
    """Page-text dates right after the question's own words (`When will the technical bids be opened?` reads
    `Opening of Technical Bids 09 March 2016`): two shared word stems, or the only one the question has."""
    wanted = {word[:STEM] for word in words(question.text) - DATE_QUESTION_NOISE if len(word) >= 3}
    needed = min(2, len(wanted))
    asks_for_start = bool(ASKS_FOR_START.search(question.text))
    candidates: list[Candidate] = []
    for index, passage in enumerate(passages):
        if not needed or passage.doc_type in STRUCTURED_TYPES:
            continue
        for found in find_dates(passage.text):
            text_before = preceding(passage.text, found.start, WORDS_BEFORE_DATE)
            if asks_for_start and UNTIL.search(vocabulary.fold(text_before[-30:])):
                continue
            before = {word[:STEM] for word in words(text_before)}
            shared = len(wanted & before)
            if shared >= needed:
                strength = min(0.6, 0.3 + 0.1 * shared)
                candidates.append(_candidate(found.iso, index, found.start, found.end, strength))
    return candidates


def _label_strength(label: str) -> float | None:
    """A label naming the tender deadline states it; one naming another deadline (questions) hardly does."""
    folded = vocabulary.fold(label)
    names_deadline = DEADLINE_CUE.search(folded) or vocabulary.cue_pattern(vocabulary.DEADLINE).search(folded)
    if not names_deadline and not vocabulary.cue_pattern(vocabulary.OPENING).search(folded):
        return None
    if vocabulary.cue_pattern(vocabulary.OTHER_DEADLINE).search(folded):
        return 0.2
    return 0.85 if names_deadline else 0.7


def _nearest_cue_strength(before: str) -> float | None:
    """The strength of the cue closest before a date: `Plazo de obtención de pliegos | ... Hasta el 25/11`
    reads as a document deadline even when a submission cue came earlier."""
    folded = vocabulary.fold(before)
    nearest: tuple[int, float] | None = None
    for cues, strength in PROSE_STRENGTHS:
        for match in vocabulary.cue_pattern(cues).finditer(folded):
            if nearest is None or match.end() > nearest[0]:
                nearest = (match.end(), strength)
    return nearest[1] if nearest else None


def _with_sibling_time(passage: Passage, field: Field, iso: str) -> str:
    """TED states the time of DATE_RECEIPT_TENDERS in its sibling TIME_RECEIPT_TENDERS."""
    if "T" in iso or not field.key.endswith("date_receipt_tenders"):
        return iso
    sibling = field.key.removesuffix("date_receipt_tenders") + "time_receipt_tenders"
    time_field = next((f for f in parse_fields(passage) if f.key == sibling), None)
    return with_time(iso, time_field.value) if time_field else iso


def _candidate(iso: str, index: int, start: int, end: int, strength: float) -> Candidate:
    return Candidate(answer=iso, key=iso[:10], passage=index, start=start, end=end, strength=strength)


def _first_date(value: str) -> tuple[str, str, int, int] | None:
    dates = find_dates(value, compact=True)
    return (dates[0].iso, dates[0].day, dates[0].start, dates[0].end) if dates else None
