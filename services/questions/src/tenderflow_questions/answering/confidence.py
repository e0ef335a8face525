"""Confidence of an answer in [0, 1], from documented components.

    base       = 0.30 * retrieval_support + 0.30 * type_match + 0.40 * agreement
    confidence = 0                                     if there is no answer
               = base                                  if the question gives no expected fragments
               = 0.65 * base + 0.35 * fragment_coverage   otherwise

- retrieval_support: the best retrieval score among the cited passages, clamped to [0, 1].
- type_match: how directly the source states the asked-for kind of fact (1 for its dedicated field).
- agreement: the share of comparable evidence that supports the chosen answer rather than another one.
- fragment_coverage: the share of expected fragments found, case-insensitively, in the answer or its
  cited snippets.

Every weight is non-negative, so the score never falls when a component rises. Components are clamped to
[0, 1] and the result is rounded to four decimals.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

RETRIEVAL_WEIGHT = 0.30
TYPE_WEIGHT = 0.30
AGREEMENT_WEIGHT = 0.40
FRAGMENT_WEIGHT = 0.35


class ConfidenceComponents(BaseModel):
    """The evidence behind an answer's confidence; each component lies in [0, 1]."""

    retrieval_support: float = Field(ge=0.0, le=1.0)
    type_match: float = Field(ge=0.0, le=1.0)
    agreement: float = Field(ge=0.0, le=1.0)
    fragment_coverage: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("retrieval_support", "type_match", "agreement", "fragment_coverage", mode="before")
    @classmethod
    def _clamp(cls, value: float | None) -> float | None:
        return None if value is None else min(1.0, max(0.0, float(value)))


def confidence(components: ConfidenceComponents, answered: bool) -> float:
    """The confidence formula of the module docstring."""
    if not answered:
        return 0.0
    base = (
        RETRIEVAL_WEIGHT * components.retrieval_support
        + TYPE_WEIGHT * components.type_match
        + AGREEMENT_WEIGHT * components.agreement
    )
    if components.fragment_coverage is not None:
        base = (1 - FRAGMENT_WEIGHT) * base + FRAGMENT_WEIGHT * components.fragment_coverage
    return round(min(1.0, max(0.0, base)), 4)


def fragment_coverage(fragments: list[str], answer: str | None, snippets: list[str]) -> float | None:
    """Share of expected fragments present in the answer or its snippets; None when none are expected."""
    wanted = [" ".join(fragment.split()).casefold() for fragment in fragments if fragment.strip()]
    if not wanted:
        return None
    haystack = " ".join(" ".join(part.split()) for part in [answer or "", *snippets]).casefold()
    return sum(fragment in haystack for fragment in wanted) / len(wanted)
