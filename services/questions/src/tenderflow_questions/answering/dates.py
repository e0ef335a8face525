"""Dates in the forms tenders use, normalized to ISO 8601: a date, or a datetime when a time is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tenderflow_common.patterns import MONTH_NAMES, MONTHS

_ISO = re.compile(
    r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
# Russian writes "12.03.2024 г." and "12 марта 2024 года"; the suffix belongs to the date as written.
_YEAR_SUFFIX = r"(?:\s?(?:года|г\.))?"
_NUMERIC = re.compile(rf"\b(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}})\b{_YEAR_SUFFIX}")
_DAY_MONTH = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?(?P<m>{MONTH_NAMES})\.?,?\s+(?:de\s+|del\s+)?"
    rf"(?P<y>\d{{4}})\b{_YEAR_SUFFIX}",
    re.I,
)
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I
)
# A US document writes its times as 1:00PM EST; its numeric dates then put the month first.
_US_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\s?[ap]\.?m\.?\s*(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET)\b", re.I)
_COMPACT = re.compile(r"\b(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s+(?P<H>\d{2}):(?P<M>\d{2}))?\b")
# A clock time: 14:00, 09h30min, 11 ч. 00 мин., 1700 hrs, 10h.
_CLOCK = (
    r"(?:(?P<H>\d{1,2})(?:[:.h]|\s?ч\.?\s?)(?P<M>\d{2})(?:\s?(?:min|мин)\b\.?)?"
    r"|(?P<H2>[01]\d|2[0-3])(?P<M2>[0-5]\d)\s?hrs?\b\.?|(?P<H3>\d{1,2})\s?h\b)"
)
_TIME_AFTER = re.compile(
    rf"[\s,]*(?:at|um|às|as|a las|a la|à|a|alle|в|by|-|–)?\s*{_CLOCK}\s*(?P<ap>[ap]\.?m\.?)?", re.I
)
_ZONE = r"(?:\s?(?:EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|IST|CET|CEST|GMT|UTC|BST|MSK)\b)?"
_TIME_BEFORE = re.compile(
    rf"{_CLOCK}\s*(?P<ap>[ap]\.?m\.?)?{_ZONE}\s*(?:noon|uhr|horas|hrs)?\s*,?\s*"
    r"(?:on(?: the)?|am|le|(?:d?o )?dia|(?:del |el )?d[ií]a)?\s*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date (with its time when stated) and the text span it was read from."""

    start: int
    end: int
    iso: str

    @property
    def day(self) -> str:
        return self.iso[:10]


def find_dates(
    text: str, compact: bool = False, with_nearby_time: bool = True, context: str | None = None
) -> list[FoundDate]:
    """Every valid date in text, left to right; `compact` also reads 20190322-style dates (coded fields).

    `context` (the passage around a field's text) tells whether 07/10/2017 is 7 October or July 10.
    """
    found: dict[int, FoundDate] = {}
    for match in _ISO.finditer(text):
        _keep(found, match, _iso(match))
    month_first = _month_first(context if context is not None else text)
    for match in _NUMERIC.finditer(text):
        _keep(found, match, _numeric(match, month_first))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(text):
            _keep(found, match, _named_month(match))
    if compact:
        for match in _COMPACT.finditer(text):
            _keep(found, match, _iso(match))
    dates = sorted(found.values(), key=lambda item: item.start)
    return [_with_time(text, item) for item in dates] if with_nearby_time else dates


def with_time(iso_date: str, time_text: str) -> str:
    """Join a date and a separately stated `HH:MM` time into one ISO datetime."""
    match = re.fullmatch(r"\s*(\d{1,2})[:.h](\d{2})\s*", time_text)
    if not match or len(iso_date) != 10 or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return iso_date
    return f"{iso_date}T{int(match.group(1)):02d}:{match.group(2)}:00"


def _keep(found: dict[int, FoundDate], match: re.Match[str], iso: str | None) -> None:
    overlaps = any(item.start < match.end() and match.start() < item.end for item in found.values())
    if iso and not overlaps:
        found[match.start()] = FoundDate(match.start(), match.end(), iso)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso(match: re.Match[str]) -> str | None:
    day = _valid(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None or match["H"] is None:
        return day
    seconds = match.groupdict().get("S") or "00"
    zone = match.groupdict().get("tz") or ""
    if re.fullmatch(r"[+-]\d{4}", zone):
        zone = f"{zone[:3]}:{zone[3:]}"
    return f"{day}T{match['H']}:{match['M']}:{seconds}{zone}"


def _numeric(match: re.Match[str], month_first: bool = False) -> str | None:
    first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
    if month_first:
        return _valid(year, first, second) or _valid(year, second, first)
    return _valid(year, second, first) or _valid(year, first, second)


def _month_first(text: str) -> bool:
    """Day first unless the text's unambiguous dates put the month first, or it keeps US clock times."""
    orders = {
        "day" if int(m["a"]) > 12 else "month" for m in _NUMERIC.finditer(text) if max(int(m["a"]), int(m["b"])) > 12
    }
    if orders:
        return orders == {"month"}
    return bool(_US_CLOCK.search(text))


def _named_month(match: re.Match[str]) -> str | None:
    return _valid(int(match["y"]), MONTHS[match["m"].lower()], int(match["d"]))


def _with_time(text: str, found: FoundDate) -> FoundDate:
    """Attach a time stated right after (`2 May 2019 at 12:00`) or before (`12:00 on 2 May 2019`) a date."""
    if "T" in found.iso:
        return found
    after = _TIME_AFTER.match(text, found.end, found.end + 25)
    before = None if after else _TIME_BEFORE.search(text, max(0, found.start - 35), found.start)
    moment = after or before
    if moment is None:
        return found
    hour = int(moment["H"] or moment["H2"] or moment["H3"])
    minute = moment["M"] or moment["M2"] or "00"
    meridiem = (moment["ap"] or "").lower()
    if meridiem.startswith("p") and hour < 12:
        hour += 12
    elif meridiem.startswith("a") and hour == 12:
        hour = 0
    iso = with_time(found.iso, f"{hour}:{minute}")
    return FoundDate(min(found.start, moment.start()), max(found.end, moment.end()), iso)
