"""Award criteria: TED AC_* elements with weightings, OCDS award criteria, labels and listed criteria; in page text
of any language, the award basis named after criteria words (`critério de julgamento MENOR PREÇO`, `evaluation
factors: Technical Approach and Price`) and the lines listed under a criteria heading."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from tenderflow_common import vocabulary
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_all
from tenderflow_questions.answering.extractors.common import fields_of, one_language, reading_order
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, Field, is_label, parse_fields
from tenderflow_questions.answering.text import clean

OCDS_CRITERIA = {
    "priceonly": "Price only",
    "costonly": "Cost only",
    "qualityonly": "Quality only",
    "ratedcriteria": "Rated criteria",
    "lowestcost": "Lowest cost",
    "bestproposal": "Best proposal",
    "bestvaluetogovernment": "Best value to government",
    "singlebidonly": "Single bid only",
}
CRITERIA_LABEL = re.compile(
    r"^(?:award|evaluation|selection of tenders?) criteria$|^criteria for (?:the )?award$"
    r"|^zuschlagskriterien$|^critères d'attribution$|^award criterion$"
    r"|^crit[eé]rios? de (?:julgamento|adjudica[cç][aã]o|adjudicaci[oó]n|valoraci[oó]n)$|^критерии оценки$",
    re.I,
)
HEADING = re.compile(
    r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:award criteria|evaluation criteria|zuschlagskriterien"
    r"|critères d'attribution)\s*:?\s*$",
    re.I,
)
NOT_STATED = re.compile(r"^(?:not applicable|other|n/?a|none)$", re.I)
# TED's evaluation criteria of a design contest; ingest writes a paragraph on its container's line, so the
# <P> step is there only when another flattening kept it.
EVALUATION_CRITERIA = re.compile(r"\.criteria_evaluation(?:\.p)?$")
LISTED_ITEMS = 10
WEIGHTING = re.compile(
    r"\d\s*(%|per\s*cent|points?\b|pts\b|puntos\b|pontos\b|балл)|\d,\d{2}\s*$|ponderaci\w*\s*:?\s*\d", re.I
)
NEXT_SECTION = re.compile(r"^(section|part|annex|lot)\b|^[IVX]+\.\s|^\d+(\.\d+)*\.?\s+[A-Z]|:$", re.I)
CRITERIA_CUE = vocabulary.cue_pattern(vocabulary.CRITERIA)
AWARD_BASIS = vocabulary.cue_pattern({"any": tuple(phrase for _, phrase in vocabulary.AWARD_BASES)})
# How far after criteria words the basis may be named, and how long a `criteria: ...` statement may run.
BASIS_WINDOW = 150
STATEMENT_CHARS = 100
NAMED_STRENGTH = 0.75
STATEMENT = re.compile(r"\s*:\s*(?P<what>[^.;\n]+(?:\n[^.;\n]+)?)")
HEADING_CHARS = 80


def extract_criteria(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Each distinct criterion (with its weighting when given), in document order, joined by "; "."""
    candidates: list[Candidate] = []
    for index in sorted(one_language(passages)):
        candidates += _ted_criteria(index, parse_fields(passages[index]))
    for index, field in fields_of(passages, only=one_language(passages)):
        candidates += _other_criteria(index, field, is_label(passages[index], field))
    candidates += _listed_criteria(passages)
    candidates += _named_bases(passages)
    rank = reading_order(passages)
    ordered = sorted(_most_complete(candidates), key=lambda c: (rank[c.passage], c.start))
    return choose_all(ordered, passages, separator="; ")


def _most_complete(candidates: list[Candidate]) -> list[Candidate]:
    """Show a criterion with its weighting wherever any passage gave one (a chunk may cut the pair apart)."""
    fullest: dict[str, str] = {}
    for candidate in candidates:
        if len(candidate.answer) > len(fullest.get(candidate.key, "")):
            fullest[candidate.key] = candidate.answer
    return [replace(candidate, answer=fullest[candidate.key]) for candidate in candidates]


def _ted_criteria(index: int, fields: Sequence[Field]) -> list[Candidate]:
    """Pair each AC_CRITERION with the AC_WEIGHTING that follows it in the same AC_QUALITY or AC_COST."""
    candidates: list[Candidate] = []
    pending: Field | None = None
    for field in fields:
        parent = field.key.rsplit(".", 1)[0]
        if field.key.endswith(".ac_criterion"):
            if pending is not None:
                candidates.append(_criterion(clean(pending.value), index, pending, pending, 1.0))
            pending = field
        elif field.key.endswith(".ac_weighting"):
            if pending is not None and pending.key.rsplit(".", 1)[0] == parent:
                candidates.append(
                    _criterion(f"{clean(pending.value)}: {clean(field.value)}", index, pending, field, 1.0)
                )
            elif parent.endswith(".ac_price"):
                candidates.append(_criterion(f"Price: {clean(field.value)}", index, field, field, 1.0))
            pending = None
        elif field.key.endswith(".ac.ac_procurement_doc"):
            candidates.append(_criterion("As stated in the procurement documents", index, field, field, 1.0))
    if pending is not None:
        candidates.append(_criterion(clean(pending.value), index, pending, pending, 1.0))
    return candidates


def _other_criteria(index: int, field: Field, labelled: bool) -> list[Candidate]:
    value = clean(field.value)
    if not value or NOT_STATED.match(value):
        return []
    if field.key.endswith("awardcriteriadetails"):
        return [_criterion(value, index, field, field, 1.0)]
    if field.key.endswith("tender.awardcriteria"):
        # The coded method only summarizes awardCriteriaDetails, so it stands in only when no details exist.
        return [_criterion(OCDS_CRITERIA.get(value.casefold(), value), index, field, field, 0.45)]
    if EVALUATION_CRITERIA.search(field.key):
        return [_criterion(value, index, field, field, 0.9)]
    if field.key.endswith("codif_data.ac_award_crit"):
        return [_criterion(value, index, field, field, 0.4)]
    if labelled and CRITERIA_LABEL.match(field.key):
        return [_criterion(value, index, field, field, 0.85)]
    return []


def _listed_criteria(passages: Sequence[Passage]) -> list[Candidate]:
    """Lines listed under an "Award criteria" heading in prose documents, until a blank line."""
    candidates: list[Candidate] = []
    for index, passage in enumerate(passages):
        lines = list(re.finditer(r"(?m)^.*$", passage.text))
        page_text = passage.doc_type not in STRUCTURED_TYPES
        for position, line in enumerate(lines):
            if not (HEADING.match(line.group(0)) or page_text and _is_criteria_heading(line.group(0))):
                continue
            listed: list[Candidate] = []
            for item in [lines[n] for n in range(position + 1, len(lines))][: LISTED_ITEMS * 2]:
                text = clean(item.group(0)).lstrip("-•*–· ").strip()
                if not text:
                    if listed:
                        break
                    continue
                if _list_ended(text, listed):
                    break
                listed.append(Candidate(text, text.casefold(), index, item.start(), item.end(), 0.7))
            # Column headings above weighted criteria are not criteria.
            weighted = [item for item in listed if WEIGHTING.search(item.answer)]
            candidates += weighted or listed
    return candidates


def _is_criteria_heading(line: str) -> bool:
    """A short line of criteria words in any language, alone (a word or two may follow) or heading table
    columns (`... | Weight`); a sentence that goes on after them is prose, not a heading."""
    folded = vocabulary.fold(line.strip()).lstrip("0123456789.-) ")
    cue = CRITERIA_CUE.match(folded)
    if not cue or len(folded) > HEADING_CHARS:
        return False
    rest = folded[cue.end() :].strip()
    return re.fullmatch(r"[:.]?|\|.*|\w+(?:\s+\w+)?\s*:?", rest) is not None


def _named_bases(passages: Sequence[Passage]) -> list[Candidate]:
    """Award bases (lowest price, best value, MEAT) named shortly after criteria words, and what follows
    `criteria:` or `evaluation factors:` up to the end of its sentence."""
    candidates: list[Candidate] = []
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        text, folded = passage.text, vocabulary.fold(passage.text)
        for cue in CRITERIA_CUE.finditer(folded):
            window = folded[cue.end() : cue.end() + BASIS_WINDOW]
            for basis in AWARD_BASIS.finditer(window):
                start, end = cue.end() + basis.start(), cue.end() + basis.end()
                candidates.append(_named(text[start:end], index, start, end))
            statement = STATEMENT.match(text[cue.end() : cue.end() + STATEMENT_CHARS])
            if statement and not AWARD_BASIS.search(vocabulary.fold(statement["what"])):
                start, end = cue.end() + statement.start("what"), cue.end() + statement.end("what")
                candidates.append(_named(text[start:end], index, start, end))
    return candidates


def _named(written: str, index: int, start: int, end: int) -> Candidate:
    text = clean(written)
    return Candidate(text, text.casefold(), index, start, end, NAMED_STRENGTH)


def _list_ended(line: str, listed: list[Candidate]) -> bool:
    """PDF text has no blank lines between paragraphs: a new section (an all-capitals line too), or an unweighted
    line after weighted criteria, ends the list."""
    heading = len(line) >= 4 and line.isupper()
    if (NEXT_SECTION.search(line) or heading) and not WEIGHTING.search(line):
        return True
    return any(WEIGHTING.search(item.answer) for item in listed) and not WEIGHTING.search(line)


def _criterion(text: str, index: int, first: Field, last: Field, strength: float) -> Candidate:
    """Criteria are the same criterion whatever weighting is shown with them."""
    key = clean(first.value).casefold() if first.key.endswith(".ac_criterion") else text.casefold()
    return Candidate(text, key, index, first.start, max(first.end, last.end), strength)
