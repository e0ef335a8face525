"""Lines of a PDF page from pdfium's text boxes: reading order, table rows on one line, split amounts joined.

pdfium gives a page's text as boxes (runs of characters on one baseline) with their coordinates. Boxes whose
vertical centres line up are one visual line, read top to bottom and left to right; a wide gap between two boxes
of a line is a column gap, marked ' | ', so the cells of a table row stay on the row's line.
"""

from __future__ import annotations

import re
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
    return join_split_amounts([" ".join(line[0].text.split()) if len(line) == 1 else _line_text(line, measure_right)
                               for line in lines])


def _line_text(line: list[Box], measure_right: Callable[[Box], float] | None) -> str:
    if len(line) == 1:
        return " ".join(line[0].text.split())
    parts: list[str] = []
    previous: Box | None = None
    for box in sorted(line, key=lambda box: box.left):
        if previous is not None:
            right = previous.right if previous.right is not None or measure_right is None else measure_right(previous)
            gap = box.left - (right if right is not None else previous.left)
            tallest = max(box.top - box.bottom, previous.top - previous.bottom, 1.0)
            parts.append(" | " if gap > _COLUMN_GAP * tallest else " ")
        parts.append(" ".join(box.text.split()))
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
        stripped = line.strip()
        if (joined and len(joined[-1]) <= _LONGEST_CURRENCY and _ONLY_CURRENCY.match(joined[-1].strip())
                and _STARTS_WITH_AMOUNT.match(stripped)):
            joined[-1] = f"{joined[-1].strip()} {stripped}"
        else:
            joined.append(line)
    return joined
