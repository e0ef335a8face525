"""Helpers every extractor uses: walking fields, strength tables, language choice and prose context."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.fields import Field, parse_fields, passage_language

StrengthTable = tuple[tuple[re.Pattern[str], float], ...]


def strength_table(*rules: tuple[str, float]) -> StrengthTable:
    """Compile (key pattern, strength) rules; the first matching rule decides."""
    return tuple((re.compile(pattern), strength) for pattern, strength in rules)


def strength_of(key: str, table: StrengthTable) -> float | None:
    for pattern, strength in table:
        if pattern.search(key):
            return strength
    return None


def fields_of(passages: Sequence[Passage], only: set[int] | None = None) -> Iterator[tuple[int, Field]]:
    """(passage index, field) for every field of every passage, in passage then text order."""
    for index, passage in enumerate(passages):
        if only is None or index in only:
            for field in parse_fields(passage):
                yield index, field


def one_language(passages: Sequence[Passage]) -> set[int]:
    """Indices of passages to read when a TED notice repeats its form per language: English, else the first.

    Passages that are not part of a language form are always kept.
    """
    languages = {
        index: passage_language(passage)
        for index, passage in enumerate(passages)
        if "FORM_SECTION" in (passage.path or "")
    }
    present = [language for language in languages.values() if language]
    if len(set(present)) <= 1:
        return set(range(len(passages)))
    preferred = "EN" if "EN" in present else present[0]
    return {index for index in range(len(passages)) if languages.get(index, preferred) in (preferred, None)}


def reading_order(passages: Sequence[Passage]) -> list[int]:
    """Each passage's position in reading order (file name, then chunk ordinal), not its retrieval rank.

    List answers read better in document order; chunk ids such as `doc:12` carry the ordinal. Files order by
    name, not by document id, so the same package gives the same answer in every job.
    """

    def natural(index: int) -> tuple[str, str, int]:
        passage = passages[index]
        ordinal = passage.chunk_id.rsplit(":", 1)[-1]
        return passage.file, passage.document_id, int(ordinal) if ordinal.isdigit() else 0

    order = sorted(range(len(passages)), key=natural)
    ranks = [0] * len(passages)
    for rank, index in enumerate(order):
        ranks[index] = rank
    return ranks


def preceding(text: str, start: int, chars: int = 100) -> str:
    """Text before a span, cut at the previous sentence end: cues of other sentences do not count."""
    window = text[max(0, start - chars) : start]
    cut = max(window.rfind(". "), window.rfind("\n\n"), window.rfind("; "))
    return window[cut + 1 :] if cut != -1 else window
