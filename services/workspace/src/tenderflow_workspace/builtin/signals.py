"""Typed signals in chunk text and the ones each answer kind prefers, so retrieval can favour typed evidence.

The answer kind comes with the search query (the questions service classifies questions); kinds without typed
evidence here (titles, references, free text) rank by lexical match alone. Prose in any language counts: a date after
"data da sessão pública" is a deadline, an amount after "valor estimado" a value, "procedimiento abierto" a procedure
(cue phrases from tenderflow_common.vocabulary, matched on folded text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tenderflow_common.contracts.workspace import AnswerKind
from tenderflow_common.patterns import CODE_CUE, CPV_CODE, EMAIL, PARTY_NAME_KEY
from tenderflow_common.vocabulary import fold
from tenderflow_workspace.builtin import patterns as p


class SignalKind(StrEnum):
    """A typed fact spotted in chunk text."""

    DATE = "date"
    DEADLINE = "deadline"
    MONEY = "money"
    CURRENCY = "currency"
    EMAIL = "email"
    CODE = "code"
    BUYER_NAME = "buyer_name"
    PROCEDURE = "procedure"
    LOT = "lot"
    CRITERIA = "criteria"


@dataclass(frozen=True, slots=True)
class Signal:
    """One typed fact with its character span in the chunk text; weight < 1 marks weaker evidence."""

    kind: SignalKind
    text: str
    start: int
    end: int
    weight: float = 1.0


SIGNAL_BOOSTS: dict[AnswerKind, dict[SignalKind, float]] = {
    AnswerKind.DATE: {SignalKind.DEADLINE: 1.0, SignalKind.DATE: 0.3},
    AnswerKind.MONEY: {SignalKind.MONEY: 1.0, SignalKind.CURRENCY: 0.3},
    AnswerKind.CURRENCY: {SignalKind.CURRENCY: 1.0, SignalKind.MONEY: 0.8},
    AnswerKind.EMAIL: {SignalKind.EMAIL: 1.0},
    AnswerKind.CODE: {SignalKind.CODE: 1.0},
    AnswerKind.COUNT: {SignalKind.LOT: 1.0},
    AnswerKind.NAME: {SignalKind.BUYER_NAME: 1.0},
    AnswerKind.PROCEDURE: {SignalKind.PROCEDURE: 1.0},
    AnswerKind.CRITERIA: {SignalKind.CRITERIA: 1.0},
}

AWARDED_MONEY_WEIGHT = 0.4
# An amount no value words introduce (a price line, a fee) is weaker evidence of the contract value.
UNCUED_MONEY_WEIGHT = 0.4
NOT_VALUE_MONEY_WEIGHT = 0.2
CUE_WINDOW = 100

# Field keys that name the fact their value states.
_KEYED_KINDS: tuple[tuple[SignalKind, re.Pattern[str]], ...] = (
    (SignalKind.CODE, p.CODE_KEY),
    (SignalKind.BUYER_NAME, p.BUYER_KEY),
    (SignalKind.PROCEDURE, p.PROCEDURE_KEY),
    (SignalKind.LOT, p.LOT_KEY),
)


def boosts_for(kind: AnswerKind | None) -> dict[SignalKind, float]:
    """The signal boosts for an answer kind; none for a free question (no kind) or a kind without evidence."""
    return SIGNAL_BOOSTS.get(kind, {}) if kind is not None else {}


def detect_signals(text: str) -> tuple[Signal, ...]:
    """Find every typed fact in a chunk, ordered by position, so search can boost by answer type."""
    found: list[Signal] = []
    names_buyer = bool(p.BUYER_ROLE.search(text))
    folded = fold(text)
    for line in re.finditer(r"[^\n]+", text):
        found.extend(_line_signals(line.group(0), line.start(), names_buyer, folded))
    found.extend(_prose_signals(text, folded))
    return tuple(sorted(set(found), key=lambda signal: (signal.start, signal.end, signal.kind)))


def _prose_signals(text: str, folded: str) -> list[Signal]:
    """Facts whose words may span lines: amounts (weighted by the words before them), procedure names, lots and
    award criteria in any language."""
    signals = [
        Signal(SignalKind.MONEY, m.group(0), m.start(), m.end(), _money_weight(folded, m.start()))
        for m in p.MONEY.finditer(text)
    ]
    signals += [_signal(SignalKind.PROCEDURE, m, 0) for m in p.PROCEDURE_NAME.finditer(folded)]
    signals += [_signal(SignalKind.LOT, m, 0) for m in p.LOT_NAME.finditer(folded)]
    signals += [_signal(SignalKind.CRITERIA, m, 0) for m in p.CRITERIA_CUE.finditer(folded)]
    signals += [_signal(SignalKind.CRITERIA, m, 0) for m in p.AWARD_BASIS.finditer(folded)]
    return signals


def _money_weight(folded: str, start: int) -> float:
    """Full weight after value words (`valor estimado`), less after fee or guarantee words, or none at all."""
    before = folded[max(0, start - CUE_WINDOW) : start]
    value = _last_end(p.VALUE_CUE, before)
    other = _last_end(p.NOT_VALUE_CUE, before)
    if value is not None and (other is None or value > other):
        return 1.0
    return NOT_VALUE_MONEY_WEIGHT if other is not None else UNCUED_MONEY_WEIGHT


def _names_deadline(folded_before: str) -> bool:
    """A deadline cue is the last cue before the date (`Plazo de obtención de pliegos` is not the tenders')."""
    deadline = _last_end(p.PROSE_DEADLINE_CUE, folded_before)
    if deadline is None:
        return bool(p.DEADLINE_CUE.search(folded_before)) and not p.OTHER_DEADLINE_CUE.search(folded_before)
    other = _last_end(p.OTHER_DEADLINE_CUE, folded_before)
    return other is None or deadline > other


def _last_end(pattern: re.Pattern[str], text: str) -> int | None:
    ends = [match.end() for match in pattern.finditer(text)]
    return ends[-1] if ends else None


def _line_signals(line: str, offset: int, names_buyer: bool, folded: str) -> list[Signal]:
    structured = p.STRUCTURED_KEY.match(line)
    key = p.normalize_key(structured.group("key")) if structured else ""
    base = offset + (structured.end() if structured else 0)
    value = line[base - offset :]
    stated = value.strip()
    signals = [_signal(SignalKind.EMAIL, m, base) for m in EMAIL.finditer(value)]
    signals += _date_signals(key, value, base - offset, offset, folded)
    signals += [_signal(SignalKind.CURRENCY, m, base) for m in p.CURRENCY.finditer(value)]
    signals += [_signal(SignalKind.PROCEDURE, m, base) for m in p.PROCEDURE_PHRASE.finditer(value)]
    signals += [_signal(SignalKind.LOT, m, base) for m in p.LOT_PHRASE.finditer(value)]
    if key and p.MONEY_KEY.search(key) and p.NUMERIC_VALUE.fullmatch(value):
        # Awarded and contracted amounts answer "what was paid", not "what is the estimated value".
        weight = AWARDED_MONEY_WEIGHT if p.AWARDED_KEY.search(key) else 1.0
        signals.append(Signal(SignalKind.MONEY, stated, base, offset + len(line), weight))
    for kind, key_pattern in _KEYED_KINDS:
        if key and key_pattern.search(key) and not _states_nothing(kind, value):
            signals.append(Signal(kind, stated or key, base if stated else offset, offset + len(line)))
    if names_buyer and key and PARTY_NAME_KEY.search(key) and stated:
        signals.append(Signal(SignalKind.BUYER_NAME, stated, base, offset + len(line)))
    if not (key and p.CODE_KEY.search(key)) and CODE_CUE.search(line):
        signals += [_signal(SignalKind.CODE, m, base) for m in CPV_CODE.finditer(value)]
    signals += [_named(SignalKind.BUYER_NAME, m, offset) for m in p.BUYER_LABEL.finditer(line)]
    return signals


def _states_nothing(kind: SignalKind, value: str) -> bool:
    """Flag-like keys (PT_OPEN, NO_LOT_DIVISION) need no value; other keyed facts need a real one."""
    if kind in (SignalKind.PROCEDURE, SignalKind.LOT):
        return bool(value.strip()) and bool(p.NOT_APPLICABLE.fullmatch(value))
    return bool(p.NOT_APPLICABLE.fullmatch(value))


def _date_signals(key: str, value: str, value_offset: int, offset: int, folded: str) -> list[Signal]:
    """Dates, marked as deadlines when their field key or the words before them (on earlier lines too) name one."""
    matches = list(p.DATE.finditer(value))
    if "date" in key:
        matches += list(p.COMPACT_DATE.finditer(value))
    signals = []
    for match in matches:
        value_is_the_date = not value[: match.start()].strip()
        if key and value_is_the_date:
            is_deadline = bool(p.DEADLINE_KEY.search(key) or p.DEADLINE_CUE.search(key))
        else:
            start = offset + value_offset + match.start()
            is_deadline = _names_deadline(folded[max(0, start - CUE_WINDOW) : start])
        kind = SignalKind.DEADLINE if is_deadline else SignalKind.DATE
        signals.append(_signal(kind, match, offset + value_offset))
    return signals


def _signal(kind: SignalKind, match: re.Match[str], base: int) -> Signal:
    return Signal(kind, match.group(0), base + match.start(), base + match.end())


def _named(kind: SignalKind, match: re.Match[str], base: int) -> Signal:
    return Signal(kind, match.group("name").strip(), base + match.start("name"), base + match.end("name"))
