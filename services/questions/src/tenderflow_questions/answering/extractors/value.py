"""Contract value and currency: value fields with their currency fields, labelled amounts, and in page text the
amount right after value words in any language (`valor estimado`, `ориентировочная стоимость`), never one after
fee or guarantee words, a total over a lot's amount."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common import vocabulary
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, Choice, choose_one
from tenderflow_questions.answering.extractors.common import fields_of, preceding, strength_of, strength_table
from tenderflow_questions.answering.extractors.item_amounts import ASKED_ITEM, item_amount_candidates
from tenderflow_questions.answering.fields import ROW_TYPES, STRUCTURED_TYPES, Field, is_label, parse_fields
from tenderflow_questions.answering.money import FoundMoney, currency_code, find_money, format_money, parse_amount
from tenderflow_questions.answering.text import words

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
CURRENCY_LABEL = re.compile(r"^(?:currency|währung|devise|monnaie|moeda|moneda|валюта)$", re.I)
PROSE_STRENGTH = 0.55
LABEL_STRENGTH = 0.75
# Page text: an estimate answers "the estimated value" best, a budget or total next; a lot's amount less.
ESTIMATE_STRENGTH = 0.65
TOTAL_STRENGTH = 0.55
LOT_FACTOR = 0.8
BARE_FACTOR = 0.8
ESTIMATE = re.compile(r"estim|ориентировоч|geschatz|предполаг")
# A question for the budget (with tax) prefers budget words over estimate words.
BUDGET = re.compile(r"budget|presupuesto|orcamento|бюджет|haushalt")
LOT_WORD = re.compile(rf"{vocabulary.LOT_NUMBER}|\b(?:lotes?|lots?|лот\w*)\b")
CUE_WINDOW = 120
# A bare amount after value words: grouped thousands or decimals, so years and clause numbers do not count.
BARE_AMOUNT = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{2})?\b|\d+[.,]\d{2}\b")
# Amounts of any kind give the currency a page-text tender is written in, when no value states one.
ANY_AMOUNT_STRENGTH = 0.3
# OCR noise reads as "$ 33"; an amount the text means has thousands or decimals.
REAL_AMOUNT = re.compile(r"\d{4}|\d[.,'\u00a0 ]\d{3}|[.,]\d{2}\b")


def extract_money(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """The contract value; a question about one lot or item, or about a fee or guarantee, reads only amounts
    stated for it, and a question about anything else more specific gets no answer rather than the contract
    value."""
    if ASKED_ITEM.search(question.text):
        return choose_one(item_amount_candidates(question.text, passages), passages)
    focus = _focus(question.text)
    if focus is None:
        return None
    preferred = BUDGET if BUDGET.search(vocabulary.fold(question.text)) else ESTIMATE
    candidates = [money for money, _ in money_candidates(passages, focus.wants_other, preferred)]
    if focus.lot is None and focus.wants_other is None:
        candidates = _without_lot_amounts_alone(candidates, passages)
    return choose_one([c for c in candidates if focus.admits(passages[c.passage], c.start)], passages)


def _without_lot_amounts_alone(candidates: list[Candidate], passages: Sequence[Passage]) -> list[Candidate]:
    """Page text that states only different lots' amounts states no single contract value: none of them is it."""
    page = [c for c in candidates if _is_page_text(passages[c.passage])]
    lots_only = all(_is_lot_amount(passages[c.passage].text, c.start) for c in page)
    if not page or not lots_only or len({c.key for c in page}) == 1:
        return candidates
    return [c for c in candidates if c not in page]


def _is_lot_amount(text: str, start: int) -> bool:
    before = preceding(vocabulary.fold(text), start, CUE_WINDOW)
    value = _last(vocabulary.cue_pattern(vocabulary.VALUE), before)
    return value is not None and bool(LOT_WORD.search(before[max(0, value.start() - 40) :]))


def extract_currency(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """The currency of the stated value; a bare currency field when no amount states one."""
    candidates = [currency for _, currency in money_candidates(passages) if currency is not None]
    if not candidates:
        candidates = _currencies_of_any_amount(passages)
    candidates += _currency_cues(passages)
    for index, field in fields_of(passages):
        if re.search(r"(?:^|\.)@?currency$", field.key) and currency_code(field.value):
            code = currency_code(field.value) or ""
            candidates.append(Candidate(code, code, index, field.start, field.end, 0.5))
    return choose_one(candidates, passages)


def money_candidates(
    passages: Sequence[Passage], other_cue: re.Pattern[str] | None = None, preferred: re.Pattern[str] = ESTIMATE
) -> list[tuple[Candidate, Candidate | None]]:
    """(amount candidate, currency candidate) pairs from value fields, value labels and cued prose; with
    `other_cue`, page text gives the amounts after that fee or guarantee cue instead of the value's."""
    pairs: list[tuple[Candidate, Candidate | None]] = []
    prose = {index for index, passage in enumerate(passages) if _is_page_text(passage)}
    for index in sorted(prose):
        pairs += _page_amounts(passages[index], index, other_cue, preferred)
    for index, field in fields_of(passages, only=set(range(len(passages))) - prose):
        strength = strength_of(field.key, AMOUNT_FIELDS)
        if strength is not None:
            pairs += _field_amount(passages[index], index, field, strength)
        elif is_label(passages[index], field) and _is_value_label(field.label):
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


def _is_value_label(label: str) -> bool:
    """A column or label naming the value in any language (`Estimated value`, `Valor estimado`, `Стоимость`)."""
    folded = vocabulary.fold(label)
    return bool(VALUE_LABEL.search(label) or vocabulary.cue_pattern(vocabulary.VALUE).search(folded))


def _is_page_text(passage: Passage) -> bool:
    return passage.doc_type not in STRUCTURED_TYPES and passage.doc_type not in ROW_TYPES


def _page_amounts(
    passage: Passage, index: int, other_cue: re.Pattern[str] | None, preferred: re.Pattern[str]
) -> list[tuple[Candidate, Candidate | None]]:
    """Amounts whose nearest preceding cue names the value, and bare amounts right after value words."""
    text, folded = passage.text, vocabulary.fold(passage.text)
    pairs: list[tuple[Candidate, Candidate | None]] = []
    covered: list[tuple[int, int]] = []
    for found in find_money(text):
        strength = _cue_strength(folded, found.start, other_cue, preferred)
        covered.append((found.start, found.end))
        if strength is not None:
            pairs.append(_pair(found, index, strength))
    for cue in (other_cue or vocabulary.cue_pattern(vocabulary.VALUE)).finditer(folded):
        bare = _bare_after(text, cue.end(), covered)
        strength = _cue_strength(folded, bare.start, other_cue, preferred) if bare else None
        if bare and strength is not None:
            pairs.append(_pair(bare, index, strength * BARE_FACTOR))
    return pairs


def _cue_strength(
    folded: str, start: int, other_cue: re.Pattern[str] | None = None, preferred: re.Pattern[str] = ESTIMATE
) -> float | None:
    """How directly the nearest cue before an amount names the value (or the asked-for fee); None when the
    nearest cue names something else."""
    before = preceding(folded, start, CUE_WINDOW)
    value = _last(vocabulary.cue_pattern(vocabulary.VALUE), before)
    other = _last(vocabulary.cue_pattern(vocabulary.NOT_VALUE), before)
    if other_cue is not None:
        asked = _last(other_cue, before)
        nearest = max((m for m in (value, other) if m is not None), key=lambda m: m.end(), default=None)
        return TOTAL_STRENGTH if asked and nearest and asked.end() >= nearest.end() else None
    if value is None or (other is not None and other.end() > value.end()):
        return None
    strength = ESTIMATE_STRENGTH if preferred.search(value.group(0)) else TOTAL_STRENGTH
    return strength * LOT_FACTOR if LOT_WORD.search(before[max(0, value.start() - 40) :]) else strength


def _bare_after(text: str, start: int, covered: list[tuple[int, int]]) -> FoundMoney | None:
    """The first grouped or decimal number within a short stretch after value words, with a currency written
    between them (`Valor (R$): 399.611,24`); amounts with their own currency are read already."""
    stretch = text[start : start + 60]
    match = BARE_AMOUNT.search(re.split(r"\.\s|;", stretch)[0])
    if match is None or any(low <= start + match.start() < high for low, high in covered):
        return None
    amount = parse_amount(match.group(0))
    if amount is None:
        return None
    sign = next(iter(find_money(stretch[: match.start()] + " 1")), None)
    number_start = start + match.start()
    return FoundMoney(number_start, start + match.end(), amount, sign.currency if sign else None, match.group(0))


def _pair(found: FoundMoney, index: int, strength: float) -> tuple[Candidate, Candidate | None]:
    key = format_money(found.amount, found.currency)
    money = Candidate(found.as_written(), key, index, found.start, found.end, strength)
    if found.currency is None:
        return money, None
    return money, Candidate(found.currency, found.currency, index, found.start, found.end, strength)


def _currencies_of_any_amount(passages: Sequence[Passage]) -> list[Candidate]:
    """The currency page text writes its amounts in (fees, prices), when no value names one."""
    return [
        Candidate(found.currency, found.currency, index, found.start, found.end, ANY_AMOUNT_STRENGTH)
        for index, passage in enumerate(passages)
        if _is_page_text(passage)
        for found in find_money(passage.text)
        if found.currency and REAL_AMOUNT.search(found.written)
    ]


def _currency_cues(passages: Sequence[Passage]) -> list[Candidate]:
    """A currency code or sign right after currency words (`Валюта ...: BYN`, `Moneda: EUR`)."""
    candidates = []
    for index, passage in enumerate(passages):
        if not _is_page_text(passage):
            continue
        for cue in vocabulary.cue_pattern(vocabulary.CURRENCY).finditer(vocabulary.fold(passage.text)):
            stretch = passage.text[cue.end() : cue.end() + 100]
            sign = next(iter(find_money(re.split(r"\.\s|\n\n", stretch)[0] + " 1")), None)
            if sign and sign.currency:
                start = cue.end() + sign.start
                candidates.append(Candidate(sign.currency, sign.currency, index, start, start + 3, LABEL_STRENGTH))
    return candidates


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


# Question words that ask for the contract value itself, in any of its usual phrasings.
VALUE_QUESTION_WORDS = frozenset(
    {
        *("what", "is", "the", "of", "how", "much", "estimated", "value", "contract", "total", "amount"),
        *("indicative", "overall", "budget", "worth", "tender", "procurement", "expected", "approximate"),
        *("including", "excluding", "vat", "tax", "s", "stated", "given", "expected", "whole"),
    }
)
NUMBERED = re.compile(r"\b(?P<what>lots?|pools?)\s+(?P<n>\d{1,3}|[ivx]{1,5})\b", re.I)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
SPECIFIC_WINDOW = 250


class _Focus:
    """What a money question asks about: the contract value, one lot's amount, or a fee or guarantee."""

    def __init__(self, lot: int | None = None, wants_other: re.Pattern[str] | None = None) -> None:
        self.lot = lot
        self.wants_other = wants_other

    def admits(self, passage: Passage, start: int) -> bool:
        """Any amount for the value; for one lot, an amount whose nearest numbered lot before it is that lot."""
        if self.lot is None:
            return True
        before = vocabulary.fold(passage.text[max(0, start - SPECIFIC_WINDOW) : start])
        numbers = [match["n"] for match in re.finditer(vocabulary.LOT_NUMBER, before)]
        return bool(numbers) and _lot_number(numbers[-1]) == self.lot


def _focus(question: str) -> _Focus | None:
    folded = vocabulary.fold(question)
    numbered = NUMBERED.search(folded)
    if numbered:
        return _Focus(lot=_lot_number(numbered["n"]))
    asked = [match.group(0) for match in vocabulary.cue_pattern(vocabulary.NOT_VALUE).finditer(folded)]
    if asked:
        return _Focus(wants_other=re.compile("|".join(re.escape(cue) for cue in asked)))
    return _Focus() if words(question) <= VALUE_QUESTION_WORDS else None


def _lot_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return ROMAN.get(text.lower()) or {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}.get(text)
