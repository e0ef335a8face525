"""Classification codes (CPV, UNSPSC, GSIN and others): the main code first, then additional ones."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_common.patterns import CODE_CUE, CPV_CODE
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_all
from tenderflow_questions.answering.extractors.common import (
    fields_of,
    preceding,
    reading_order,
    strength_of,
    strength_table,
)
from tenderflow_questions.answering.fields import is_label

CODE_FIELDS = strength_table(
    (r"cpv_main\.cpv_code\.@code$", 1.0),
    (r"cpv_additional\.cpv_code\.@code$", 0.9),
    (r"original_cpv\.@code$", 0.8),
    (r"(?:^|\.)(?:tender\.)?(?:items\.)?classification\.id$", 0.9),
    (r"additionalclassifications\.id$", 0.8),
)
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{1,30}")
CODE_LABEL = re.compile(r"\bcpv\b|unspsc|classification|\bcodes?\b", re.I)
MAX_CODES = 25


def extract_codes(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """All distinct codes from the strongest kind of source, main codes first, joined by ", "."""
    candidates: list[Candidate] = []
    for index, field in fields_of(passages):
        strength = strength_of(field.key, CODE_FIELDS)
        if strength is not None:
            match = CPV_CODE.search(field.value) or IDENTIFIER.search(field.value)
            if match:
                candidates.append(_code(match, index, field.start, strength))
        elif is_label(passages[index], field) and CODE_LABEL.search(field.label):
            candidates += [_code(match, index, field.start, 0.85) for match in CPV_CODE.finditer(field.value)]
        else:
            candidates += [
                _code(match, index, field.start, 0.7)
                for match in CPV_CODE.finditer(field.value)
                if CODE_CUE.search(preceding(field.value, match.start(), 60) or field.label)
            ]
    rank = reading_order(passages)
    ordered = sorted(candidates, key=lambda c: (-c.strength, rank[c.passage], c.start))
    return choose_all(_first_distinct(ordered), passages, separator=", ")


def _code(match: re.Match[str], index: int, offset: int, strength: float) -> Candidate:
    code = match.group(0)
    key = code[:8] if CPV_CODE.fullmatch(code) else code.upper()
    return Candidate(code, key, index, offset + match.start(), offset + match.end(), strength)


def _first_distinct(candidates: list[Candidate]) -> list[Candidate]:
    """Keep every candidate (they are evidence) but stop collecting new codes after MAX_CODES."""
    seen: set[str] = set()
    kept = []
    for candidate in candidates:
        if candidate.key in seen or len(seen) < MAX_CODES:
            seen.add(candidate.key)
            kept.append(candidate)
    return kept
