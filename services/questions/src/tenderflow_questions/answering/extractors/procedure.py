"""The procurement procedure: TED PT_* elements, coded procedure fields, OCDS methods, labels, and procedure names
in the prose of any language (pregão eletrônico, procedimiento abierto, запрос ценовых предложений, two-bid system),
answered as written."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common import vocabulary
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.extractors.common import fields_of
from tenderflow_questions.answering.fields import STRUCTURED_TYPES, is_label
from tenderflow_questions.answering.text import clean

# (grouping key, answer, phrase pattern): checked in order, so specific procedures precede general ones.
PROCEDURES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (key, answer, re.compile(pattern, re.I))
    for key, answer, pattern in (
        (
            "negotiated-without-call",
            "Negotiated procedure without prior call for competition",
            r"negotiated (?:procedure )?without|without (?:prior )?(?:call|publication)"
            r"|verhandlungsverfahren ohne|sans (?:publicité|mise en concurrence)",
        ),
        (
            "competitive-dialogue",
            "Competitive dialogue",
            r"competitive dialogue|wettbewerblicher dialog|dialogue compétitif",
        ),
        (
            "innovation-partnership",
            "Innovation partnership",
            r"innovation partnership|innovationspartnerschaft|partenariat d'innovation",
        ),
        (
            "competitive-negotiation",
            "Competitive procedure with negotiation",
            r"competitive (?:procedure with )?negotiation",
        ),
        (
            "negotiated",
            "Negotiated procedure with prior call for competition",
            r"negotiated (?:procedure )?with (?:a )?(?:prior )?call|verhandlungsverfahren mit",
        ),
        ("negotiated", "Negotiated procedure", r"negotiat|verhandlungsverfahren|négocié"),
        (
            "restricted",
            "Restricted procedure",
            r"restricted|nicht ?offene?s? verfahren|beschränkte ausschreibung|restreinte?|\bselective\b",
        ),
        ("open", "Open procedure", r"\bopen\b|offenes verfahren|öffentliche ausschreibung|ouvert"),
        ("limited", "Limited procedure", r"\blimited\b"),
        ("direct", "Direct award", r"\bdirect\b|direktvergabe|gré à gré"),
    )
)
PROCEDURE_FIELDS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"\.pt_[a-z_]+$"), 1.0),
    (re.compile(r"(?:^|\.)procurementmethod(?:details)?$"), 0.9),
    (re.compile(r"codif_data\.pr_proc$"), 0.8),
)
PROCEDURE_LABEL = re.compile(
    r"^(?:type of )?(?:procurement )?(?:procedure|method)(?: type)?$|^procurement method$|^verfahrensart$"
    r"|^type de procédure$|^procédure$|^(?:tipo de )?(?:procedimiento|modalidade|proceso de licitaci[oó]n)$"
    r"|^(?:способ|вид) (?:закупки|процедуры)$",
    re.I,
)
PROSE_PHRASE = re.compile(
    r"\b(?:open|restricted|negotiated|competitive) (?:procedure|dialogue|tender(?:ing)?)\b"
    r"|offenes verfahren|nichtoffenes verfahren|verhandlungsverfahren"
    r"|procédure (?:ouverte|restreinte|négociée)",
    re.I,
)


NAMED_STRENGTH = 0.6
WEAK_STRENGTH = 0.45
# A name right after procedure words, or on a document's first page, is the one the document runs under.
INTRODUCED_BONUS = 0.05
NAMES = tuple(
    (key, english, vocabulary.cue_pattern({"name": (phrase,)})) for key, english, phrase in vocabulary.PROCEDURES
)
INTRODUCED = re.compile(rf"(?:{vocabulary.PROCEDURE_CUE})\W{{0,12}}(?:\w+\W+){{0,2}}$")


def procedure_of(text: str) -> tuple[str, str] | None:
    """(grouping key, answer) for a procedure phrase or element name, or None when none is named."""
    phrase = text.replace("_", " ")
    for key, answer, pattern in PROCEDURES:
        if pattern.search(phrase):
            return key, answer
    folded = vocabulary.fold(phrase)
    return next(((key, clean(phrase)) for key, _, pattern in NAMES if pattern.search(folded)), None)


def extract_procedure(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    candidates: list[Candidate] = []
    for index, field in fields_of(passages):
        strength = next((s for pattern, s in PROCEDURE_FIELDS if pattern.search(field.key)), None)
        if strength is None and is_label(passages[index], field) and PROCEDURE_LABEL.match(field.key):
            strength = 0.85
        if strength is not None:
            named = (
                field.key.rsplit(".", 1)[-1]
                if field.key.rsplit(".", 1)[-1].startswith("pt_")
                else field.value
            )
            procedure = procedure_of(clean(named))
            if procedure:
                candidates.append(
                    Candidate(procedure[1], procedure[0], index, field.start, field.end, strength)
                )
            continue
        for match in PROSE_PHRASE.finditer(field.value):
            procedure = procedure_of(match.group(0))
            if procedure:
                start, end = field.start + match.start(), field.start + match.end()
                candidates.append(Candidate(procedure[1], procedure[0], index, start, end, 0.5))
    for index, passage in enumerate(passages):
        if passage.doc_type not in STRUCTURED_TYPES:
            candidates += _named_procedures(passage, index)
    return choose_one(candidates, passages)


def _named_procedures(passage: Passage, index: int) -> list[Candidate]:
    """Procedure names in page text, as written; a document kind (RFQ, RFP) or a bare "pregão" only weakly,
    since a procedure named beside it says more."""
    folded = vocabulary.fold(passage.text)
    first_page = passage.chunk_id.endswith(":0")
    candidates = []
    taken: list[tuple[int, int]] = []
    for key, english, pattern in NAMES:
        for match in pattern.finditer(folded):
            if any(low < match.end() and match.start() < high for low, high in taken):
                continue
            taken.append((match.start(), match.end()))
            written = clean(passage.text[match.start() : match.end()])
            answer = f"{english} ({written})" if written.isupper() and len(written) <= 5 else written
            strength = WEAK_STRENGTH if key in vocabulary.WEAK_NAMES else NAMED_STRENGTH
            if first_page or INTRODUCED.search(folded[max(0, match.start() - 40) : match.start()]):
                strength += INTRODUCED_BONUS
            candidates.append(Candidate(answer, key, index, match.start(), match.end(), strength))
    return candidates
