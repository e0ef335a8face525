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
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, is_label

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
# A national scheme's name right before its code: `NAICS Code 541512`, `CATMAT:622689`, `SIN 132-51`.
SCHEME_CODE = re.compile(
    r"\b(?:NAICS|CATMAT|CATSER|UNSPSC|GSIN|SIN|OKPD2?|ОКПД2?|ОКРБ(?: \d{3}-\d{4})?)(?: code)?\s*(?:no\.?\s*)?[:#]?\s*"
    r"(?P<code>\d[\d.\-]{2,14}\d)\b",
    re.I,
)
# Dotted product codes (ОКРБ 007-2012, ОКПД2: `31.01.99.000`) after a classifier named within a few lines.
DOTTED_CODE = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{2}\.\d{3}(?![\d.]\d)")
CLASSIFIER_CUE = re.compile(r"ОКРБ|ОКПД|OKPD|классификатор|classifier|clasificador|classificador", re.I)
CLASSIFIER_REACH = 400


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
    candidates += _scheme_codes(passages)
    rank = reading_order(passages)
    ordered = sorted(candidates, key=lambda c: (-c.strength, rank[c.passage], c.start))
    return choose_all(_first_distinct(ordered), passages, separator=", ")


def _scheme_codes(passages: Sequence[Passage]) -> list[Candidate]:
    """Codes of national schemes written in the documents' prose and tables."""
    candidates = []
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        text = passage.text
        for match in SCHEME_CODE.finditer(text):
            code = match["code"]
            candidates.append(Candidate(code, code, index, match.start("code"), match.end("code"), 0.8))
        for match in DOTTED_CODE.finditer(text):
            if CLASSIFIER_CUE.search(text, max(0, match.start() - CLASSIFIER_REACH), match.start()):
                code = match.group(0)
                candidates.append(Candidate(code, code, index, match.start(), match.end(), 0.75))
    return candidates


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
