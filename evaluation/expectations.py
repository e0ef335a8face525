"""Expected answers per tender and question, and the strict rule that decides whether an answer is right.

Imports nothing from the services, so the tests of the rule can load this module on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A list answer (every criterion, every code) is long by nature; anything else must be about as short as what
# it should say, so that a passage which merely contains the fragment is not taken for an answer.
LIST_ANSWER_CHARS = 2000
MIN_ANSWER_CHARS = 80
ANSWER_CHARS_PER_FRAGMENT_CHAR = 3


@dataclass(frozen=True)
class Expectation:
    """What one question should get on one tender: alternatives of fragments, or no answer at all.

    An answer is right when some alternative has all its fragments in it and the answer is short enough
    (`max_chars`); with no alternatives, it is right only when there is no answer.
    """

    alternatives: tuple[tuple[str, ...], ...]
    list_answer: bool = False

    @property
    def expects_answer(self) -> bool:
        return bool(self.alternatives)

    @property
    def max_chars(self) -> int:
        """The longest right answer: the longest alternative's fragments together, three times over, at least 80;
        a list answer may run to 2,000."""
        if self.list_answer:
            return LIST_ANSWER_CHARS
        longest = max((sum(len(_normalized(f)) for f in alternative) for alternative in self.alternatives),
                      default=0)
        return max(MIN_ANSWER_CHARS, ANSWER_CHARS_PER_FRAGMENT_CHAR * longest)

    def too_long(self, answer: str | None) -> bool:
        """Whether an answer is over the bound; where no answer is expected, any answer is wrong, long or not."""
        return self.expects_answer and answer is not None and len(_normalized(answer)) > self.max_chars

    def is_right(self, answer: str | None) -> bool:
        if not self.expects_answer:
            return answer is None
        return answer is not None and not self.too_long(answer) and any(
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
