"""Lines of a PDF page from pdfium's text boxes: reading order, table rows on one line, split amounts joined.

pdfium gives a page's text as boxes (runs of characters on one baseline) with their coordinates. Boxes whose
vertical centres line up are one visual line, read top to bottom and left to right; a wide gap between two boxes
of a line is a column gap, marked ' | ', so the cells of a table row stay on the row's line. An amount a narrow
cell wraps ("106.244,8" over "2") is put back together.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

# A box joins a line when its centre is this close to the line's, in line heights.
_SAME_LINE = 0.45
# A horizontal gap wider than this many line heights separates columns.
_COLUMN_GAP = 1.2
_CURRENCY = r"(?:R\$|US\$|\$|€|£|¥|₹|₽|EUR|USD|BRL|GBP|INR|RUB|BYN|Rs\.?|руб\.?|бел\.\s?руб\.?)"
_CURRENCY_THEN_AMOUNT = re.compile(rf"(?<![\w$]){_CURRENCY} \| (?=[-+]?\d)")
_AMOUNT_THEN_CURRENCY = re.compile(rf"(\d) \| (?={_CURRENCY}(?!\w))")
_LONGEST_CURRENCY = 12
_ONLY_CURRENCY = re.compile(rf"^{_CURRENCY}$")
_STARTS_WITH_AMOUNT = re.compile(r"^[-+]?\d[\d.,\s]*\d?(?:\s|$|\|)")
# An amount cut short by its cell's edge: too few decimals ("106.244,8") or ending in a separator ("106.244,").
_CUT_AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+)[.,](\d*)$")
# Amounts written with a thousands group ("1.666,01", "2,350,000.5"): their decimals show the usual count.
_GROUPED_AMOUNT_DECIMALS = re.compile(r"(?<![\w.,])\d{1,3}(?:([.,])\d{3})+(?!\1)[.,](\d{1,4})(?![\w.,])")
_USUAL_DECIMALS = 2
_WRAPPED_DIGITS = 4
# How far below the amount's line the rest may sit, and how far past the amount's edges, in line heights.
_NEXT_BASELINE = 2.0
_CELL_SLACK = 0.25


class Box(NamedTuple):
    """A run of text on one baseline, in PDF points (y grows upwards); right may be measured only on demand."""

    left: float
    bottom: float
    right: float | None
    top: float
    text: str
    end: int = -1  # the index of its last character in the page's text, for measuring right


def page_lines(boxes: list[Box], measure_right: Callable[[Box], float] | None = None) -> list[str]:
    """The page's visual lines, top to bottom, columns separated by ' | ', split amounts joined.

    A box's right edge is needed only when another box shares its line; measure_right supplies it then.
    """
    lines: list[list[Box]] = []
    middle = height = 0.0
    placed = sorted((-(box.bottom + box.top) / 2, box.left, box) for box in boxes)
    # Once per box on every page: plain comparisons rather than max(), and a lone box's text without a call.
    for negative_middle, _, box in placed:
        box_height = box.top - box.bottom
        if box_height < 1.0:
            box_height = 1.0
        if lines and abs(-negative_middle - middle) <= _SAME_LINE * (height if height > box_height else box_height):
            line = lines[-1]
            line.append(box)
            middle += (-negative_middle - middle) / len(line)
            if box_height > height:
                height = box_height
        else:
            lines.append([box])
            middle, height = -negative_middle, box_height
    lines = join_wrapped_amounts(lines, measure_right)
    return join_split_amounts([_single_spaced(line[0].text) if len(line) == 1 else _line_text(line, measure_right)
                               for line in lines])


def _single_spaced(text: str) -> str:
    """The text's words one space apart; most lines already are, and telling so is cheaper than a split."""
    # isprintable() is False for every whitespace but the ASCII space, so only spaces need a look.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _line_text(line: list[Box], measure_right: Callable[[Box], float] | None) -> str:
    if len(line) == 1:
        return _single_spaced(line[0].text)
    parts: list[str] = []
    previous: Box | None = None
    for box in sorted(line, key=lambda box: box.left):
        if previous is not None:
            right = previous.right if previous.right is not None or measure_right is None else measure_right(previous)
            gap = box.left - (right if right is not None else previous.left)
            tallest = max(box.top - box.bottom, previous.top - previous.bottom, 1.0)
            parts.append(" | " if gap > _COLUMN_GAP * tallest else " ")
        parts.append(_single_spaced(box.text))
        previous = box
    joined = "".join(parts)
    if " | " not in joined:
        return joined
    joined = _CURRENCY_THEN_AMOUNT.sub(lambda match: match.group(0)[: -len(" | ")] + " ", joined)
    return _AMOUNT_THEN_CURRENCY.sub(r"\1 ", joined)


def join_split_amounts(lines: list[str]) -> list[str]:
    """A currency sign alone on its line belongs to the amount that starts the next one."""
    joined: list[str] = []
    for line in lines:
        # The cheap test on the line before comes first: few lines follow a currency sign alone.
        if (joined and len(joined[-1]) <= _LONGEST_CURRENCY and _ONLY_CURRENCY.match(joined[-1].strip())
                and _STARTS_WITH_AMOUNT.match(stripped := line.strip())):
            joined[-1] = f"{joined[-1].strip()} {stripped}"
        else:
            joined.append(line)
    return joined


def join_wrapped_amounts(lines: list[list[Box]], measure_right: Callable[[Box], float] | None) -> list[list[Box]]:
    """Digits alone on a line, right under an amount cut short in the same cell, are the amount's last digits.

    A narrow cell wraps "106.244,82" into "106.244,8" over "2". The rest must sit alone on its line (a new row
    brings cells of its own) one line below the amount, within the amount's left and right edges, with nothing
    else of that column between them, and make the amount's decimals the page's usual count.
    """
    decimals: Counter[int] | None = None
    joined: list[list[Box]] = []
    for line in lines:
        rest = line[0]
        if not (joined and len(line) == 1 and len(rest.text) <= _WRAPPED_DIGITS and rest.text.isdigit()):
            joined.append(line)
            continue
        if decimals is None:
            decimals = _decimal_counts(lines)
        found = _cut_amount_above(joined, rest, decimals, measure_right)
        if found is None:
            joined.append(line)
            continue
        above, index = found
        amount = above[index]
        above[index] = amount._replace(text=amount.text.rstrip() + rest.text, right=_right(amount, measure_right))
    return joined


def _cut_amount_above(joined: list[list[Box]], rest: Box, decimals: Counter[int],
                      measure_right: Callable[[Box], float] | None) -> tuple[list[Box], int] | None:
    """The line and index of the amount rest completes: the nearest box above rest in its column, if it fits."""
    height = max(rest.top - rest.bottom, 1.0)
    slack = _CELL_SLACK * height
    middle = (rest.bottom + rest.top) / 2
    rest_right = _right(rest, measure_right)
    for above in reversed(joined):
        # Lines between the two halves can only be the row's other cells, centred on the row's height.
        if (above[0].bottom + above[0].top) / 2 - middle > _NEXT_BASELINE * height:
            return None
        for index, box in enumerate(above):
            if box.left > rest_right + slack or _right(box, measure_right) < rest.left - slack:
                continue
            return (above, index) if _completes(box, rest, rest_right, decimals, measure_right) else None
    return None


def _completes(amount: Box, rest: Box, rest_right: float, decimals: Counter[int],
               measure_right: Callable[[Box], float] | None) -> bool:
    cut = _CUT_AMOUNT.search(amount.text.rstrip())
    if cut is None or len(cut.group(2)) + len(rest.text) != _usual_decimals(decimals, cut.group()):
        return False
    # "1." over "12" is a numbered heading over a number; an amount shows a decimal digit or a thousands group.
    if not cut.group(2) and cut.group(1).isdigit():
        return False
    amount_right = _right(amount, measure_right)
    if amount_right <= amount.left or rest_right <= rest.left:  # boxes without a measured width: no geometry
        return False
    slack = _CELL_SLACK * max(rest.top - rest.bottom, 1.0)
    return rest.left >= _amount_left(amount, cut.start(), measure_right) - slack and rest_right <= amount_right + slack


def _right(box: Box, measure_right: Callable[[Box], float] | None) -> float:
    if box.right is not None:
        return box.right
    return measure_right(box) if measure_right is not None else box.left


def _amount_left(box: Box, start: int, measure_right: Callable[[Box], float] | None) -> float:
    """Where the amount at start in box's text begins: pdfium can give a whole table row as one box."""
    if start == 0 or measure_right is None or box.end < 0:
        return box.left
    # The right edge of the space before the amount, measured like any right edge.
    return measure_right(box._replace(end=box.end - (len(box.text.rstrip()) - start)))


def _decimal_counts(lines: list[list[Box]]) -> Counter[int]:
    """How many of the page's amounts with a thousands group have each count of decimals."""
    return Counter(len(match.group(2)) for line in lines for box in line
                   for match in _GROUPED_AMOUNT_DECIMALS.finditer(box.text))


def _usual_decimals(decimals: Counter[int], cut: str) -> int:
    """The page's most common count of decimals, the cut amount itself left out; two when nothing else tells."""
    others = decimals.copy()
    own = _GROUPED_AMOUNT_DECIMALS.fullmatch(cut)
    if own is not None:
        others[len(own.group(2))] -= 1
    others = +others
    if not others:
        return _USUAL_DECIMALS
    return max(others, key=lambda count: (others[count], count))
