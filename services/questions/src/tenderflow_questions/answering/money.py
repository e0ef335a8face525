"""Money amounts as tenders write them (`EUR 1,500,000`, `1.500.000,00 €`, `£2.5m`, `R$ 1.234,56`, `Rs. 5,00,000/-`,
`12 345,67 бел. руб.`), read as Decimals; a table may put the currency on the line before or after the amount."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tenderflow_common.patterns import CURRENCY_CODES

_SYMBOLS = {
    "R$": "BRL",
    "₹": "INR",
    "RS": "INR",
    "RS.": "INR",
    "БЕЛ. РУБ.": "BYN",
    "БЕЛ.РУБ.": "BYN",
    "РУБ.": "RUB",
    "РУБЛЕЙ": "RUB",
    "БЕЛОРУССКИХ РУБЛЕЙ": "BYN",
    "EURO": "EUR",
    "EUROS": "EUR",
    "REAIS": "BRL",
    "RUPEES": "INR",
    "DOLLARS": "USD",
    "DÓLARES": "USD",
    "€": "EUR",
    "£": "GBP",
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "$": "USD",
}
_SCALES = {
    "k": 3,
    "m": 6,
    "mn": 6,
    "mio": 6,
    "million": 6,
    "millions": 6,
    "bn": 9,
    "billion": 9,
    "mrd": 9,
    "lakh": 5,
    "lakhs": 5,
    "crore": 7,
    "crores": 7,
}

_CURRENCY = (
    r"R\$|US\$|AU?\$|CA?\$|€|£|₹|\$|\bRs\b\.?|\bбел\.\s?руб\.|\bбелорусских рублей\b|\bруб(?:\.|лей\b)"
    r"|\beuros?\b|\breais\b|\brupees\b|\bdollars\b|\bdólares\b|\b(?:"
    + "|".join(CURRENCY_CODES)
    + r")\b"
)
# Indian grouping (5,00,000), then thousands groups of any separator, then plain digits.
_NUMBER = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[,.'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?"
)
_SCALE_WORDS = r"millions?|mio\.?|mn|mrd|bn|billion|lakhs?|crores?|m|k"
# A table cell may hold the currency and the next line the amount, or the other way round.
_GAP = r"[ \t\u00a0]?\n?[ \t\u00a0]?"
_MONEY = re.compile(
    rf"(?P<pre>{_CURRENCY}){_GAP}(?P<num>{_NUMBER})(?:\s?(?P<scale>{_SCALE_WORDS})\b)?(?:/-)?"
    rf"|(?P<num2>{_NUMBER})(?:\s?(?P<scale2>{_SCALE_WORDS})\b)?(?:/-)?{_GAP}(?P<post>{_CURRENCY})",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FoundMoney:
    """An amount with its currency (ISO code, when stated) and the span it was read from."""

    start: int
    end: int
    amount: Decimal
    currency: str | None
    written: str = ""

    def as_written(self) -> str:
        """The amount as the document wrote it, with the ISO code of its currency: `1.234,56 BRL`."""
        return f"{self.written} {self.currency}" if self.currency else self.written


def currency_code(text: str) -> str | None:
    """The ISO code for a currency code or symbol, or None."""
    stripped = " ".join(text.split())
    if stripped.upper() in CURRENCY_CODES:
        return stripped.upper()
    return _SYMBOLS.get(stripped.upper()) or _SYMBOLS.get(stripped)


def parse_amount(text: str, scale: str | None = None) -> Decimal | None:
    """A number with thousands separators in any common style, optionally scaled (`2.5 million`)."""
    digits = re.sub(r"[\s'\u00a0\u202f]", "", text.strip())
    if re.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?", digits):
        digits = digits.replace(",", "")
    if not re.fullmatch(r"-?\d[\d.,]*", digits):
        return None
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        digits = digits.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif digits.count(",") + digits.count(".") >= 1:
        mark = "," if "," in digits else "."
        groups = digits.split(mark)
        thousands = len(groups) > 2 or (len(groups[-1]) == 3 and scale is None)
        digits = digits.replace(mark, "") if thousands else digits.replace(mark, ".")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        return None
    exponent = _SCALES.get((scale or "").lower().rstrip("."), 0)
    return amount.scaleb(exponent) if exponent else amount


def find_money(text: str) -> list[FoundMoney]:
    """Every amount written next to a currency code or symbol."""
    found = []
    for match in _MONEY.finditer(text):
        number = match["num"] or match["num2"]
        scale = match["scale"] or match["scale2"]
        amount = parse_amount(number, scale)
        if amount is not None:
            written = " ".join(f"{number} {scale or ''}".split())
            currency = currency_code(match["pre"] or match["post"])
            found.append(FoundMoney(match.start(), match.end(), amount, currency, written))
    return found


def format_money(amount: Decimal, currency: str | None) -> str:
    """`1,500,000 EUR`; cents only when the amount has them."""
    normalized = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    text = f"{normalized:,}" if normalized == normalized.to_integral_value() else f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text
