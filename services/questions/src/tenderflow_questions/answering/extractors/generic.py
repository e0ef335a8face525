"""Fallback for questions no typed extractor covers: the value of the field named like the question."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate
from tenderflow_questions.answering.extractors.common import fields_of
from tenderflow_questions.answering.text import clean, words

# Reads a value: (answer, grouping key, span start, span end) within the value, or None when it does not fit.
ValueReader = Callable[[str], tuple[str, str, int, int] | None]

# Words that name almost every field of a tender, so they say nothing about which field is meant.
_QUESTION_NOISE = frozenset({"name", "value", "number", "tender", "contract"})


def keyed_candidates(question: QuestionSpec, passages: Sequence[Passage], read: ValueReader) -> list[Candidate]:
    """Fields whose key shares at least half of the question's content words."""
    wanted = words(question.text) - _QUESTION_NOISE
    if not wanted:
        return []
    candidates = []
    for index, field in fields_of(passages):
        if field.is_prose or not field.value:
            continue
        key_words = words(field.label.replace("/", " ").replace(".", " "))
        shared = {word for word in wanted if any(_same_word(word, key_word) for key_word in key_words)}
        if len(shared) < len(wanted) / 2:
            continue
        read_value = read(field.value)
        if read_value is None:
            continue
        answer, key, start, end = read_value
        # Tighter keys win ties: DURATION_TENDER_VALID over its DURATION_TENDER_VALID/@TYPE qualifier.
        named = {word for word in key_words if any(_same_word(word, asked) for asked in wanted)}
        strength = 0.3 + 0.3 * len(shared) / len(wanted) + 0.1 * len(named) / len(key_words)
        candidates.append(Candidate(answer, key, index, field.start + start, field.start + end, strength))
    return candidates


def _same_word(first: str, second: str) -> bool:
    """Equal, or sharing a stem-like prefix (`dispatched`/`dispatch`, `validity`/`valid`)."""
    if first == second:
        return True
    common = len(os.path.commonprefix([first, second]))
    return common >= 5 and common >= 0.7 * min(len(first), len(second))


def read_text(value: str) -> tuple[str, str, int, int] | None:
    text = clean(value)
    if not text or len(text) > 300:
        return None
    return text, text.casefold(), 0, len(value)
