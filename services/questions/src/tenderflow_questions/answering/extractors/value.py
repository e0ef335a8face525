"""Contract value and currency: value fields with their currency fields, labelled and cued prose amounts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.extractors.common import fields_of, preceding, strength_of, strength_table
from tenderflow_questions.answering.fields import Field, is_label, parse_fields
from tenderflow_questions.answering.money import currency_code, find_money, format_money, parse_amount

AMOUNT_FIELDS = strength_table(
    (r"award_contract\..*val_(?:total|estimated_total)$", 0.4),
    (r"val_estimated_total$", 1.0),
    (r"object_contract\.val_total$", 0.9),
    (r"object_descr\.val_object$", 0.8),
    (r"notice_data\.values\.value$", 0.75),
    (r"(?:^|\.)tender\.value\.amount$", 1.0),
    (r"(?:^|\.)planning\.budget\.amount\.amount$", 0.85),
    (r"(?:^|\.)tender\.lots\.value\.amount$", 0.7),
    (r"(?:^|\.)(?:awards|contracts)\.value\.amount$", 0.45),
)
VALUE_LABEL = re.compile(r"\b(?:value|budget|amount|auftragswert|wert|valeur|montant)\b|estimated cost", re.I)
VALUE_CUE = re.compile(
    r"estimated (?:total )?(?:contract )?value|contract value|total value|value of the (?:contract|tender|"
    r"framework|agreement)|budget|estimated at|valued at|worth|auftragswert|geschätzte[rn]? (?:gesamt)?wert"
    r"|gesamtwert|valeur (?:estimée|totale|du marché)|montant (?:estimé|total)",
    re.I,
)
CURRENCY_LABEL = re.compile(r"^(?:currency|währung|devise|monnaie)$", re.I)
PROSE_STRENGTH = 0.55
LABEL_STRENGTH = 0.75


def extract_money(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    return choose_one([money for money, _ in money_candidates(passages)], passages)


def extract_currency(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """The currency of the stated value; a bare currency field when no amount states one."""
    candidates = [currency for _, currency in money_candidates(passages) if currency is not None]
    for index, field in fields_of(passages):
        if re.search(r"(?:^|\.)@?currency$", field.key) and currency_code(field.value):
            code = currency_code(field.value) or ""
            candidates.append(Candidate(code, code, index, field.start, field.end, 0.5))
    return choose_one(candidates, passages)


def money_candidates(passages: Sequence[Passage]) -> list[tuple[Candidate, Candidate | None]]:
    """(amount candidate, currency candidate) pairs from value fields, value labels and cued prose."""
    pairs: list[tuple[Candidate, Candidate | None]] = []
    for index, field in fields_of(passages):
        strength = strength_of(field.key, AMOUNT_FIELDS)
        if strength is not None:
            pairs += _field_amount(passages[index], index, field, strength)
        elif is_label(passages[index], field) and VALUE_LABEL.search(field.label):
            pairs += _amounts_in(field, index, LABEL_STRENGTH, cued_only=False) or _bare_amount(
                passages[index], field, index
            )
        else:
            pairs += _amounts_in(field, index, PROSE_STRENGTH, cued_only=True)
    return pairs


def _field_amount(
    passage: Passage, index: int, field: Field, strength: float
) -> list[tuple[Candidate, Candidate | None]]:
    amount = parse_amount(field.value)
    if amount is None:
        return []
    currency_field = _currency_field_for(passage, field)
    code = currency_code(currency_field.value) if currency_field else None
    money = Candidate(
        format_money(amount, code), format_money(amount, code), index, field.start, field.end, strength
    )
    currency = None
    if currency_field is not None and code:
        currency = Candidate(code, code, index, currency_field.start, currency_field.end, strength)
    return [(money, currency)]


def _currency_field_for(passage: Passage, amount: Field) -> Field | None:
    """The nearest sibling naming the currency: `X/@CURRENCY` in TED, `value.currency` in OCDS."""
    names = {amount.key + ".@currency", amount.key.removesuffix("amount") + "currency"}
    siblings = [field for field in parse_fields(passage) if field.key in names]
    return min(siblings, key=lambda field: abs(field.start - amount.start), default=None)


def _bare_amount(passage: Passage, field: Field, index: int) -> list[tuple[Candidate, Candidate | None]]:
    """A labelled amount without a currency sign, paired with a `Currency` column or label if there is one."""
    amount = parse_amount(field.value)
    if amount is None:
        return []
    currency_field = next((f for f in parse_fields(passage) if CURRENCY_LABEL.match(f.key)), None)
    code = currency_code(currency_field.value) if currency_field else None
    strength = LABEL_STRENGTH if code else LABEL_STRENGTH - 0.15
    money = Candidate(
        format_money(amount, code), format_money(amount, code), index, field.start, field.end, strength
    )
    if currency_field is None or code is None:
        return [(money, None)]
    return [(money, Candidate(code, code, index, currency_field.start, currency_field.end, strength))]


def _amounts_in(
    field: Field, index: int, strength: float, cued_only: bool
) -> list[tuple[Candidate, Candidate | None]]:
    pairs: list[tuple[Candidate, Candidate | None]] = []
    for found in find_money(field.value):
        if cued_only and not VALUE_CUE.search(preceding(field.value, found.start, 80)):
            continue
        start, end = field.start + found.start, field.start + found.end
        text = format_money(found.amount, found.currency)
        money = Candidate(text, text, index, start, end, strength)
        currency = (
            Candidate(found.currency, found.currency, index, start, end, strength) if found.currency else None
        )
        pairs.append((money, currency))
    return pairs
