"""The tender's title and its reference number, from the fields that name the procedure itself."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.cues import (
    DOCUMENT_TITLE,
    REFERENCE_CUE,
    SECONDARY_REFERENCE,
    TITLE_CUE,
    TITLE_PROSE,
)
from tenderflow_questions.answering.extractors.common import (
    fields_of,
    one_language,
    strength_of,
    strength_table,
)
from tenderflow_questions.answering.extractors.cued import (
    cover_references,
    cover_titles,
    cued_candidates,
    prose_candidates,
)
from tenderflow_questions.answering.fields import is_label
from tenderflow_questions.answering.spans import read_reference, read_title
from tenderflow_questions.answering.text import clean

TITLE_FIELDS = strength_table(
    (r"object_contract\.title(?:\.p)?$", 1.0),
    (r"(?:^|\.)tender\.title$", 1.0),
    (r"(?:^|\.)tender\.title_en$", 0.98),
    (r"(?:^|\.)tender\.title_[a-z]{2}$", 0.95),
    (r"(?:^|\.)contracts\.title(?:_en)?$", 0.6),
    (r"(?:^|\.)contracts\.title_[a-z]{2}$", 0.55),
    (r"(?:^|\.)awards\.title$", 0.5),
)
TITLE_LABEL = re.compile(
    r"^(?:(?:tender|contract|project|procurement) )?(?:title|name)$"
    r"|^name of (?:the )?(?:contract|tender|project)$|^subject(?: of the contract)?$|^titel$|^titre$"
    r"|^intitulé(?: du marché)?$|^objet(?: du marché)?$|^bezeichnung(?: des auftrags)?$",
    re.I,
)
REFERENCE_FIELDS = strength_table(
    (r"object_contract\.reference_number$", 1.0),
    (r"(?:^|\.)tender\.id$", 0.9),
    (r"notice_data\.no_doc_ojs$", 0.55),
    (r"(?:^|\.)ocid$", 0.5),
)
# Publication identifiers (OJ notice number, OCDS ocid) stand in only when the buyer gives no reference.
FALLBACK_STRENGTH = 0.55
# Cued values in written documents rank below a structured notice's own fields and its `Title:` labels.
CUED_STRENGTH = 0.75
COVER_STRENGTH = 0.7
# A document stating which contract it governs names it more carefully than an annex's form field.
DOCUMENT_TITLE_STRENGTH = 0.8
REFERENCE_LABEL = re.compile(
    r"^(?:(?:tender|contract|file|notice|solicitation|procurement|procedure|rft|rfp|itt) (?:reference|ref\.?"
    r"|number|no\.?|id)(?: (?:number|no\.?))?|reference(?: (?:number|no\.?))?|ref\.?(?: no\.?)?"
    r"|solicitation(?: (?:number|no\.?))?|aktenzeichen|vergabenummer|référence(?: du marché)?)$",
    re.I,
)
REFERENCE_PROSE = re.compile(
    r"\b(?:reference|solicitation|tender|rft|rfp|itt)\s*(?:number|no\.?|nr\.?|#)\s*[:#]?\s*"
    r"(?P<ref>[A-Z0-9][A-Z0-9/_.\-]*\d[A-Z0-9/_.\-]*)",
    re.I,
)
REFERENCE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*")


def extract_title(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Multi-paragraph TED titles are one candidate spanning their paragraphs."""
    candidates: list[Candidate] = []
    previous: Candidate | None = None
    previous_key = ""
    for index, field in fields_of(passages, only=one_language(passages)):
        strength = strength_of(field.key, TITLE_FIELDS)
        if strength is None and is_label(passages[index], field) and TITLE_LABEL.match(field.key):
            strength = 0.8
        title = clean(field.value)
        if strength is None or not title:
            previous = None
            continue
        if previous is not None and previous.passage == index and previous_key == field.key:
            joined = f"{previous.answer} {title}"
            candidates[-1] = Candidate(joined, joined.casefold(), index, previous.start, field.end, strength)
        else:
            candidates.append(Candidate(title, title.casefold(), index, field.start, field.end, strength))
        previous, previous_key = candidates[-1], field.key
    candidates += cued_candidates(passages, TITLE_CUE, read_title, CUED_STRENGTH)
    candidates += prose_candidates(passages, TITLE_PROSE, read_title, CUED_STRENGTH)
    candidates += cover_titles(passages, COVER_STRENGTH)
    candidates += prose_candidates(passages, DOCUMENT_TITLE, read_title, DOCUMENT_TITLE_STRENGTH)
    return choose_one(candidates, passages)


def extract_reference(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Identifier fields whole; labelled and prose references as their first token that holds a digit."""
    candidates: list[Candidate] = []
    for index, field in fields_of(passages):
        strength = strength_of(field.key, REFERENCE_FIELDS)
        value = clean(field.value)
        if strength is not None and value and len(value) <= 80:
            candidates.append(Candidate(value, value.casefold(), index, field.start, field.end, strength))
            continue
        token = REFERENCE_TOKEN.search(field.value)
        labelled = is_label(passages[index], field) and REFERENCE_LABEL.match(field.key)
        if labelled and token and any(char.isdigit() for char in token.group(0)):
            candidates.append(_reference(token.group(0), index, field.start + token.start(), 0.85))
            continue
        for match in REFERENCE_PROSE.finditer(field.value):
            candidates.append(_reference(match["ref"], index, field.start + match.start("ref"), 0.6))
    candidates += cued_candidates(
        passages, REFERENCE_CUE, read_reference, _cued_reference_strength, anywhere=True, bare=True
    )
    candidates += cover_references(passages, COVER_STRENGTH)
    own = [candidate for candidate in candidates if candidate.strength > FALLBACK_STRENGTH]
    return choose_one(own or candidates, passages)


def _cued_reference_strength(cue: str) -> float:
    """The call's own number (`Pregão nº`, `Solicitation No.`) over the buyer's file number (`Processo nº`)."""
    return CUED_STRENGTH - 0.05 if SECONDARY_REFERENCE.match(cue) else CUED_STRENGTH


def _reference(reference: str, index: int, start: int, strength: float) -> Candidate:
    reference = reference.rstrip(".-/")
    return Candidate(reference, reference.casefold(), index, start, start + len(reference), strength)
