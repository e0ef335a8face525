"""Number of lots: distinct lot numbers across passages, explicit counts, or one for an undivided tender; in page
text of any language, a stated count (`Nº de Lotes: 2`) or the numbered lots (`Lote 1`, `LOTE VI`, `по лоту № 6`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common import vocabulary
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.extractors.common import fields_of
from tenderflow_questions.answering.extractors.generic import keyed_candidates
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, Field, is_label

NUMBER_WORDS = {
    word: number
    for number, words in enumerate(
        (
            "",
            "one ein eine un une",
            "two zwei deux",
            "three drei trois",
            "four vier quatre",
            "five fünf cinq",
            "six sechs",
            "seven sieben sept",
            "eight acht huit",
            "nine neun neuf",
            "ten zehn dix",
        ),
    )
    for word in words.split()
}
_COUNT = r"(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")"
EXPLICIT_COUNT = re.compile(
    rf"(?:divided|split) into {_COUNT} lots|number of lots\s*[:\-]?\s*{_COUNT}"
    rf"|anzahl der lose\s*[:\-]?\s*{_COUNT}|nombre de lots\s*[:\-]?\s*{_COUNT}|in {_COUNT} (?:lots|lose)\b"
    rf"|{_COUNT} lots? (?:are|is) (?:offered|tendered)",
    re.I,
)
STATED_COUNT = re.compile(rf"(?:{vocabulary.alternation(vocabulary.LOT_COUNT)})\W{{0,5}}(?P<n>\d{{1,3}})\b")
NUMBERED_LOT = re.compile(vocabulary.LOT_NUMBER)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
STATED_STRENGTH = 0.75
NUMBERED_STRENGTH = 0.5
OCDS_LOT = re.compile(r"tender(?:\[\d+\])?\.lots\[(?P<n>\d+)\]")
LOT_LABEL = re.compile(r"^(?:lot|los|lote|лот)(?: (?:no\.?|nr\.?|number|n°|nº|nummer|№))?$", re.I)
# "How many points ... for lots 2 to 6?" names lots but counts something else.
ASKS_FOR_LOTS = re.compile(
    r"(?:how many|number of|count of|wie viele|anzahl der|combien de|nombre de)\s+(?:\w+\s+)?(?:lots?|lose?)\b"
    r"|\blots\b.*\b(?:divided|split)\b|\b(?:divided|split)\b.*\blots\b",
    re.I,
)


def extract_count(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Lot questions count lots; other count questions read an integer field named like the question."""
    if not ASKS_FOR_LOTS.search(question.text):
        return choose_one(keyed_candidates(question, passages, _integer), passages)
    return choose_one(lot_candidates(passages), passages)


def lot_candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """A count per source family (TED lot numbers, OCDS lot ids or positions), flags and explicit counts."""
    lots: dict[str, set[str]] = {"ted": set(), "label": set(), "ocds-id": set(), "ocds-position": set()}
    evidence: dict[str, dict[int, tuple[int, int]]] = {family: {} for family in lots}
    candidates: list[Candidate] = []
    for index, field in fields_of(passages):
        for family, lot in _lots_named(field, is_label(passages[index], field)):
            lots[family].add(lot)
            evidence[family].setdefault(index, (field.start, field.end))
        if field.key.endswith(".no_lot_division"):
            candidates.append(Candidate("1", "1", index, field.start, field.end, 0.8))
        for match in EXPLICIT_COUNT.finditer(field.value):
            number = str(_number(next(group for group in match.groups() if group)))
            candidates.append(
                Candidate(number, number, index, field.start + match.start(), field.start + match.end(), 0.7)
            )
    for family in ("ted", "label", "ocds-id" if lots["ocds-id"] else "ocds-position"):
        count = str(len(lots[family]))
        for index, (start, end) in evidence[family].items():
            candidates.append(Candidate(count, count, index, start, end, 1.0))
    candidates += _page_text_counts(passages)
    return [candidate for candidate in candidates if candidate.key != "0"]


def _page_text_counts(passages: Sequence[Passage]) -> list[Candidate]:
    """A stated count of lots, else the highest lot number when lots 1 to it are (mostly) all named."""
    candidates: list[Candidate] = []
    numbered: dict[int, tuple[int, int, int]] = {}
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        folded = vocabulary.fold(passage.text)
        for match in STATED_COUNT.finditer(folded):
            count = match["n"]
            candidates.append(Candidate(count, count, index, match.start(), match.end(), STATED_STRENGTH))
        for match in NUMBERED_LOT.finditer(folded):
            for number in (_lot_number(match["n"]), int(match["last"]) if match["last"] else None):
                if number:
                    numbered.setdefault(number, (index, match.start(), match.end()))
    highest = max(numbered, default=0)
    # Lot numbers seen across a few passages rarely cover every lot; half of them with the first will do.
    if highest >= 2 and 1 in numbered and len(numbered) * 2 >= highest:
        count = str(highest)
        candidates += [Candidate(count, count, *numbered[highest], NUMBERED_STRENGTH)]
    return candidates


def _lot_number(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 0 < int(text) < 100 else None
    return ROMAN.get(text) or NUMBER_WORDS.get(text)


def _lots_named(field: Field, labelled: bool) -> list[tuple[str, str]]:
    """(source family, lot identity) for fields that name a lot."""
    value = field.value.strip()
    named = []
    if field.key.endswith(".lot_no") and value:
        named.append(("ted", value))
    if labelled and LOT_LABEL.match(field.key) and value:
        named.append(("label", value.casefold()))
    position = OCDS_LOT.search(field.label)
    if position:
        named.append(("ocds-position", position["n"]))
        if field.key.endswith("tender.lots.id") and value:
            named.append(("ocds-id", value))
    return named


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def _integer(value: str) -> tuple[str, str, int, int] | None:
    match = re.fullmatch(r"\s*(\d{1,6})\s*", value)
    return (match.group(1), match.group(1), match.start(1), match.end(1)) if match else None
