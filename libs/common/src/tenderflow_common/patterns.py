"""Patterns for facts tender documents write the same way wherever they are read: e-mail addresses, CPV codes,
currency codes, month names (English, German, French, Portuguese, Spanish, Russian) and OCDS party names.

Retrieval (the workspace's typed signals) and answering (the questions service's extractors) both look for these
facts; they share these definitions so what one finds the other can read.
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    **dict.fromkeys(("january", "jan", "januar", "jänner", "janvier", "janeiro", "enero", "января", "январь"), 1),
    **dict.fromkeys(
        ("february", "feb", "februar", "février", "fevrier", "fevereiro", "febrero", "февраля", "февраль"), 2
    ),
    **dict.fromkeys(("march", "mar", "märz", "maerz", "mars", "março", "marco", "marzo", "марта", "март"), 3),
    **dict.fromkeys(("april", "apr", "avril", "abril", "апреля", "апрель"), 4),
    **dict.fromkeys(("may", "mai", "maio", "mayo", "мая", "май"), 5),
    **dict.fromkeys(("june", "jun", "juni", "juin", "junho", "junio", "июня", "июнь"), 6),
    **dict.fromkeys(("july", "jul", "juli", "juillet", "julho", "julio", "июля", "июль"), 7),
    **dict.fromkeys(("august", "aug", "août", "aout", "agosto", "августа", "август"), 8),
    **dict.fromkeys(
        ("september", "sep", "sept", "septembre", "setembro", "septiembre", "setiembre", "сентября", "сентябрь"),
        9,
    ),
    **dict.fromkeys(("october", "oct", "oktober", "octobre", "outubro", "octubre", "октября", "октябрь"), 10),
    **dict.fromkeys(("november", "nov", "novembre", "novembro", "noviembre", "ноября", "ноябрь"), 11),
    **dict.fromkeys(
        ("december", "dec", "dezember", "décembre", "decembre", "dezembro", "diciembre", "декабря", "декабрь"), 12
    ),
}
# An alternation of every month name, longest first so a full name wins over its abbreviation.
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

CURRENCY_CODES: tuple[str, ...] = (
    "EUR", "GBP", "USD", "CAD", "AUD", "NZD", "CHF", "DKK", "SEK", "NOK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK",
    "BRL", "INR", "BYN", "RUB", "UAH", "KZT", "JPY", "CNY", "MXN", "CLP", "COP", "ZAR",
)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

CPV_CODE = re.compile(r"\b\d{8}(?:-\d)?\b")
# Words that say the numbers near them are classification codes.
CODE_CUE = re.compile(r"\bcpv\b|unspsc|classification|nomenclature", re.I)

# The name of an OCDS party in a normalized key (`parties.name_en`, `parties.identifier.legalname`).
PARTY_NAME_KEY = re.compile(r"parties\.(?P<legal>identifier\.legalname|name)(?P<lang>_[a-z]{2})?$")
