"""Amounts of one numbered item of a price table: its row (`21 | Chair ... | UN 200 1.045,67 209.134,00`) or the
block that starts with its number (`21 - Chair` ... `Valor Total (R$): 209.134,00`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate
from tenderflow_questions.answering.fields import STRUCTURED_TYPES

ASKED_ITEM = re.compile(r"\bitem\s+(?:n[ºo°]\.?\s*)?(?P<n>\d{1,4})\b", re.I)
ASKS_FOR_UNIT = re.compile(r"\bunit\b|\bper (?:unit|piece|item)\b|unitári|unitari", re.I)
# A price as tables write it: grouped thousands or two decimals.
PRICE = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,\u00a0 ]\d{3})*[.,]\d{2}(?![\d.,])")
TOTAL_LABEL = re.compile(r"\b(?:valor|value|precio|importe|price|cost)\w*\s+total\w*|\btotal\b", re.I)
BLOCK_LINES = 12
ROW_STRENGTH = 0.5


def item_amount_candidates(question: str, passages: Sequence[Passage]) -> list[Candidate]:
    """The unit price (first price) or the total (last price) on the item's row, or the total its block states."""
    asked = ASKED_ITEM.search(question)
    if asked is None:
        return []
    number, wants_unit = int(asked["n"]), bool(ASKS_FOR_UNIT.search(question))
    starts = re.compile(rf"^\s*(?:item\s*)?0*{number}\s*(?:\||[-–]\s|:\s)", re.I)
    candidates = []
    for index, passage in enumerate(passages):
        if passage.doc_type in STRUCTURED_TYPES:
            continue
        lines = list(re.finditer(r"[^\n]+", passage.text))
        for position, line in enumerate(lines):
            if not starts.match(line.group(0)):
                continue
            prices = list(PRICE.finditer(line.group(0)))
            if prices:
                price = prices[0] if wants_unit else prices[-1]
                candidates.append(_candidate(price, line.start(), index))
            elif not wants_unit:
                candidates += _block_total(lines[position + 1 : position + 1 + BLOCK_LINES], index)
    return candidates


def _block_total(lines: list[re.Match[str]], index: int) -> list[Candidate]:
    for line in lines:
        if re.match(r"^\s*\d{1,4}\s*(?:\||[-–]\s)", line.group(0)):
            return []
        price = PRICE.search(line.group(0))
        if price and TOTAL_LABEL.search(line.group(0)[: price.start()]):
            return [_candidate(price, line.start(), index)]
    return []


def _candidate(price: re.Match[str], offset: int, index: int) -> Candidate:
    start, end = offset + price.start(), offset + price.end()
    key = re.sub(r"\D", "", price.group(0))
    return Candidate(price.group(0), key, index, start, end, ROW_STRENGTH)
