"""The kind of answer a question asks for, from keyword rules over its text.

This is the only classifier: the kind travels with the search query, so retrieval favours the same evidence
the extractor then looks for.
"""

from __future__ import annotations

import re

from tenderflow_common.contracts.workspace import AnswerKind

# First matching rule wins: an e-mail question may name the buyer, a currency question the value.
_RULES: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rule, re.I))
    for kind, rule in (
        (AnswerKind.EMAIL, r"e-?mail|courriel|mail address"),
        (AnswerKind.CURRENCY, r"currenc|währung|devise"),
        (
            AnswerKind.COUNT,
            r"how many|number of (?:lots|tenders|bids|offers|candidates|participants|suppliers)"
            r"|anzahl|combien",
        ),
        (AnswerKind.CODE, r"\bcpv\b|unspsc|classification|\bcodes?\b|nomenclature"),
        (AnswerKind.CRITERIA, r"criteri|zuschlagskriterien|critères"),
        (AnswerKind.DATE, r"deadline|closing|\bdue\b|\bwhen\b|\bdate\b|until|frist|date limite"),
        (AnswerKind.PROCEDURE, r"procedure|procurement method|verfahren|procédure"),
        (
            AnswerKind.REFERENCE,
            r"reference|solicitation|notice number|tender number|identifier|\bid\b"
            r"|aktenzeichen|vergabenummer|référence",
        ),
        (AnswerKind.MONEY, r"\bvalue\b|budget|amount|\bworth\b|\bcost|\bprice\b|wert\b|montant|valeur"),
        (
            AnswerKind.NAME,
            r"\bwho\b|buyer|contracting (?:authority|entity)|procuring entity|organi[sz]ation"
            r"|auftraggeber|acheteur|pouvoir adjudicateur",
        ),
        (AnswerKind.TITLE, r"\btitle|subject|titel|titre|intitulé|name of the (?:tender|contract|project)"),
    )
)


def classify_question(text: str) -> AnswerKind:
    """The answer kind for a question text; TEXT when no rule applies."""
    for kind, rule in _RULES:
        if rule.search(text):
            return kind
    return AnswerKind.TEXT
