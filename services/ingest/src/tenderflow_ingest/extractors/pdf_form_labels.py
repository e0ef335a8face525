"""Labels for filled form fields that a `key: value` reader accepts and a person can read.

A field's tooltip is written for people (`9. ISSUED BY`, `8. OFFER DUE DATE Enter 2 digit month...`): the box
number and the filling instructions are dropped. Without a tooltip, the field name is spelt out
(`form1[0].page1[0].ISSUED_BY[0]` -> `Issued by`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_LABEL_CHARS = 120
# Tooltips and names come from the file: only their start is looked at, so a hostile one costs nothing.
_MAX_SOURCE_CHARS = 1000
# Item numbers of a form's boxes (`13a.`, `b.`, `7)`) say where a box is, not what it holds.
_ITEM_MARK = re.compile(r"^(?:\d{1,3}[a-z]?|[a-z])[.)]\s+")
# Parenthesised remarks in prose (`(No collect calls)`); acronyms such as `(WOSB)` or `8 (A)` stay.
_REMARK = re.compile(r"\((?=[^()]*[a-z])[^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9A-Z])\.\s+(?=[A-Z])")
_NAME_INDEX = re.compile(r"\[\d+\]")
_WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|[_\-\s]+")


@dataclass(frozen=True)
class FilledField:
    """A field as read from a form; an unticked box has no value but its label helps name its siblings."""

    label: str
    value: str
    is_box: bool = False


def field_lines(fields: list[FilledField]) -> list[str]:
    """`label: value` for each field with a value; a ticked box among siblings (`METHOD OF SOLICITATION RFQ`,
    `... IFB`) is written as the question and its option (`METHOD OF SOLICITATION: RFQ`)."""
    boxes = [field.label for field in fields if field.is_box]
    lines = []
    for field in fields:
        choice = option_of(field.label, boxes) if field.is_box and field.value == "Yes" else None
        if choice:
            lines.append(f"{choice[0]}: {choice[1]}")
        elif field.value:
            lines.append(f"{field.label}: {field.value}")
    return lines


def field_label(alternate_name: str, name: str) -> str:
    """A short label a `key: value` reader accepts: no colon inside, not ending in a digit."""
    label = _tooltip_label(alternate_name[:_MAX_SOURCE_CHARS]) or _name_label(name[-_MAX_SOURCE_CHARS:])
    if len(label) > _MAX_LABEL_CHARS:
        label = label[:_MAX_LABEL_CHARS].rsplit(" ", 1)[0]
    # A key ending in a digit reads as a time (`12:00`) to the answering service's parser.
    return re.sub(r"(\S*\d)$", r"(\1)", label) or "Field"


def one_line(raw: str) -> str:
    """A multi-line value (an address) joined with commas, so the whole value stays on its label's line."""
    parts = (" ".join(part.split()).rstrip(",;") for part in raw.splitlines())
    return ", ".join(part for part in parts if part)


def option_of(label: str, boxes: list[str]) -> tuple[str, str] | None:
    """(question, option) for a check box whose label starts with the same words as a sibling box's.

    Forms often ask one question with several boxes, each labelled with the question and its option; the words
    they share (at least two, so `ARE ATTACHED` and `ARE NOT ATTACHED` are left alone) are the question.
    """
    words = label.split()
    shared = [_shared_words(words, other.split()) for other in boxes if other != label]
    shared = [count for count in shared if 2 <= count < len(words)]
    if not shared:
        return None
    count = min(shared)
    return " ".join(words[:count]), " ".join(words[count:])


def _shared_words(words: list[str], others: list[str]) -> int:
    count = 0
    for word, other in zip(words, others, strict=False):
        if word.lower() != other.lower():
            break
        count += 1
    return count


def _tooltip_label(tooltip: str) -> str:
    text = _REMARK.sub(" ", " ".join(tooltip.split()))
    pieces = (_ITEM_MARK.sub("", piece.strip()) for piece in text.split(":"))
    text = " ".join(piece for piece in pieces if piece)
    # Instructions follow the box's own words: `6. ISSUE DATE. Enter 2 digit month`, `8. DUE DATE Enter ...`.
    text = _SENTENCE_END.split(text, maxsplit=1)[0]
    words = text.split()
    if words and _is_shouted(words[0]):
        kept = []
        for word in words:
            if any(char.islower() for char in word):
                break
            kept.append(word)
        words = kept
    return " ".join(words).strip(" .,;-")


def _is_shouted(word: str) -> bool:
    return sum(char.isalpha() for char in word) > 1 and word.isupper()


def _name_label(name: str) -> str:
    segments = [segment for segment in _NAME_INDEX.sub("", name).split(".") if segment.strip()]
    words = _WORD_BREAK.split(segments[-1]) if segments else []
    text = " ".join(word for word in words if word).lower()
    return text[:1].upper() + text[1:]
