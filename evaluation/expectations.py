"""Expected answers per tender and question, and the rule that decides whether an answer is right."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPECTED_ANSWERS = Path(__file__).with_name("expected_answers.toml")


@dataclass(frozen=True)
class Expectation:
    """What one question should get on one tender: alternatives of fragments, or no answer at all.

    An answer is right when some alternative has all its fragments in it; with no alternatives, it is right
    only when there is no answer.
    """

    alternatives: tuple[tuple[str, ...], ...]

    @property
    def expects_answer(self) -> bool:
        return bool(self.alternatives)

    def is_right(self, answer: str | None) -> bool:
        if not self.expects_answer:
            return answer is None
        return answer is not None and any(
            all(contains_fragment(answer, fragment) for fragment in alternative)
            for alternative in self.alternatives
        )

    def describe(self) -> str:
        if not self.expects_answer:
            return "(no answer)"
        return " | ".join(" & ".join(alternative) for alternative in self.alternatives)


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def _edge(char: str) -> str:
    """What the neighbour of a fragment's edge character must not be: a digit after a digit, a letter after a
    letter, so "1" does not match "10" nor "open" "opening", while "2018-05-07" matches "2018-05-07T17:00"."""
    if char.isdigit():
        return r"\d"
    if char.isalpha():
        return r"[^\W\d_]"
    return r"(?!)"


def contains_fragment(answer: str, fragment: str) -> bool:
    """Case- and whitespace-insensitive containment that does not cut into a number or a word."""
    wanted = _normalized(fragment)
    if not wanted:
        raise ValueError("an expected fragment must not be blank")
    pattern = f"(?<!{_edge(wanted[0])}){re.escape(wanted)}(?!{_edge(wanted[-1])})"
    return re.search(pattern, _normalized(answer)) is not None


def _expectation(tender: str, question_id: str, raw: Any) -> Expectation:
    if raw is False:
        return Expectation(())
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise ValueError(f"{tender} / {question_id}: give a fragment, a non-empty list, or false")
    alternatives: list[tuple[str, ...]] = []
    for item in items:
        fragments = [item] if isinstance(item, str) else item
        if not isinstance(fragments, list) or not fragments or not all(isinstance(f, str) for f in fragments):
            raise ValueError(f"{tender} / {question_id}: {item!r} is not a fragment or a list of fragments")
        alternatives.append(tuple(fragments))
    return Expectation(tuple(alternatives))


def load_expectations(
    question_ids: Iterable[str], path: Path = EXPECTED_ANSWERS
) -> dict[str, dict[str, Expectation]]:
    """Expectations per tender and question id; every tender must cover exactly the given questions."""
    wanted = list(question_ids)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    expectations: dict[str, dict[str, Expectation]] = {}
    for tender, answers in data.items():
        missing = [q for q in wanted if q not in answers]
        unknown = [q for q in answers if q not in wanted]
        if missing or unknown:
            raise ValueError(f"{tender}: missing expectations {missing}, unknown questions {unknown}")
        expectations[tender] = {q: _expectation(tender, q, answers[q]) for q in wanted}
    return expectations
