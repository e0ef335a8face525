"""The kind of answer a question asks for, from keyword rules over its text.

This is the only classifier: the kind travels with the search query, so retrieval favours the same evidence
the extractor then looks for.
"""

from __future__ import annotations

import re

from tenderflow_common.contracts.workspace import AnswerKind

# First matching rule wins: an e-mail question may name the buyer, a currency question the value, a person
# question says "who" like a buyer question does, and "how many days" asks for a duration, not a count.
_RULES: tuple[tuple[AnswerKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rule, re.I))
    for kind, rule in (
        (AnswerKind.EMAIL, r"e-?mail|courriel|mail address"),
        (AnswerKind.PHONE, r"phone|telefon|téléphone|телефон"),
        (AnswerKind.CURRENCY, r"currenc|währung|devise"),
        (
            AnswerKind.DURATION,
            r"how long|how many (?:calendar |working |business )?(?:days|weeks|months|years)|\bperiod\b"
            r"|duration|time for completion|\bvalid(?:ity)?\b|laufzeit|durée",
        ),
        (
            AnswerKind.PERSON,
            r"\bwhom\b|\bwho\b.{0,40}\b(?:person|officer|official|agent|signed|manager|contact|mayor|director"
            r"|auctioneer|pregoeir|call|represent)|contact person|staff member|which (?:person|official|officer)"
            r"|name of the (?:person|officer|official|agent|auctioneer|pregoeir|director|manager)",
        ),
        (
            AnswerKind.COUNT,
            r"(?:how many|number of) (?:lots|parts|sub-?lots|tenders|bids|offers|candidates|participants|suppliers)"
            r"|divided into|anzahl|combien",
        ),
        (AnswerKind.QUANTITY, r"how many|how much quantity|quantity|\bunits? of\b"),
        (AnswerKind.CODE, r"\bcpv\b|unspsc|classification|\bcodes?\b|nomenclature"),
        (AnswerKind.CRITERIA, r"criteri|zuschlagskriterien|critères"),
        (AnswerKind.DATE, r"deadline|closing|\bdue\b|\bwhen\b|\bdate\b|until|frist|date limite"),
        (AnswerKind.PROCEDURE, r"procedure|procurement method|verfahren|procédure"),
        (
            AnswerKind.REFERENCE,
            r"reference|solicitation|notice number|tender number|identifier|\bid\b"
            r"|aktenzeichen|vergabenummer|référence",
        ),
        (
            AnswerKind.MONEY,
            r"\bvalue\b|budget|amount|\bworth\b|\bcost|\bprice\b|wert\b|montant|valeur|how much|money|turnover"
            r"|\bfee\b|estimated total",
        ),
        (
            AnswerKind.NAME,
            r"\bwho\b|buyer|contracting (?:authority|entity)|procuring entity|organi[sz]ation"
            r"|auftraggeber|acheteur|pouvoir adjudicateur",
        ),
        (AnswerKind.TITLE, r"\btitle|subject|titel|titre|intitulé|name of the (?:tender|contract|project)"),
        (AnswerKind.PLACE, r"\bwhere\b|address|platform|location|\bplace\b|\bwo\b|\boù\b"),
    )
)


def classify_question(text: str) -> AnswerKind:
    """The answer kind for a question text; TEXT when no rule applies."""
    for kind, rule in _RULES:
        if rule.search(text):
            return kind
    return AnswerKind.TEXT
