"""Renders a cell value the way a sheet shows it, for the number and date formats tenders commonly use."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

_CURRENCY = re.compile(r'"?([$€£¥])"?|\[\$([^\]-]+)')
_DECIMALS = re.compile(r"0\.(0+)")
_TIME_CODES = re.compile(r"h|s|AM/PM", re.IGNORECASE)


def render_cell(value: Any, number_format: str | None) -> str:
    """Text of one cell: dates as ISO dates (with the time when the format shows one), numbers as formatted."""
    if isinstance(value, str):
        return value.strip()
    fmt = number_format or "General"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and not _TIME_CODES.search(_section(fmt)):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return _render_number(value, _section(fmt))
    return str(value).strip()


@lru_cache(maxsize=1024)
def _section(fmt: str) -> str:
    """The positive-number section of a format, without colours and conditions."""
    return re.sub(r"\[(Red|Black|Blue|Green|White|Yellow|Cyan|Magenta|Color\d+|[<>=][^\]]*)\]", "", fmt.split(";")[0])


def _render_number(value: float, fmt: str) -> str:
    if fmt in ("General", "@", ""):
        return _plain(value)
    percent = "%" in fmt
    shown = value * 100 if percent else value
    decimals = _DECIMALS.search(fmt)
    places = len(decimals.group(1)) if decimals else 0
    if "0" not in fmt and "#" not in fmt:
        return _plain(value)
    grouped = "#,##" in fmt or "0,0" in fmt
    text = f"{abs(shown):,.{places}f}" if grouped else f"{abs(shown):.{places}f}"
    currency = _CURRENCY.search(fmt)
    symbol = (currency.group(1) or currency.group(2)) if currency else ""
    sign = "-" if shown < 0 else ""
    return f"{sign}{symbol}{text}{'%' if percent else ''}"


def _plain(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
