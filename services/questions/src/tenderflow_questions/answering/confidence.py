"""Confidence of an answer in [0, 1], from documented components.

    base       = 0.30 * retrieval_support + 0.30 * type_match + 0.40 * agreement
    evidence   = specificity * (0.6 + 0.4 * agreement) * corroboration
    confidence = 0                                     if there is no answer
               = base * evidence                       if the question gives no expected fragments
               = 0.65 * base * evidence + 0.35 * fragment_coverage   otherwise

- retrieval_support: the best retrieval score among the cited passages, clamped to [0, 1].
- type_match: how directly the source states the asked-for kind of fact (1 for its dedicated field).
- agreement: the share of comparable evidence that supports the chosen answer rather than another one.
- specificity: how specific the cue that led to the answer was: 1 for a structured notice's named field,
  else min(1, type_match / 0.7), so a value found only near the question's words counts for less than one right
  after a cue phrase of the asked field.
- corroboration: 1 when a field made for the fact or more than one passage states the answer, 0.75 when a single
  passage of a written document does (a lone reading of prose or OCR'd text is the likeliest to be wrong).
- fragment_coverage: the share of expected fragments found, case-insensitively, in the answer or its
  cited snippets.

The evidence factor makes weak evidence score low: a value found only near the question's words, competing
answers of similar strength (low agreement) and a single written passage each scale the score down, so that such
answers do not look as sure as a dedicated field that every source agrees on.

Every weight is non-negative, so the score never falls when a component rises. Components are clamped to
[0, 1] and the result is rounded to four decimals.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

RETRIEVAL_WEIGHT = 0.30
TYPE_WEIGHT = 0.30
AGREEMENT_WEIGHT = 0.40
FRAGMENT_WEIGHT = 0.35
# The strength of a cue phrase of the asked field right before the value; weaker sources scale the score down.
SPECIFIC_STRENGTH = 0.7
# A single passage of a written document: nothing else states the same value.
UNCORROBORATED = 0.75


class ConfidenceComponents(BaseModel):
    """The evidence behind an answer's confidence; each component lies in [0, 1]."""

    retrieval_support: float = Field(ge=0.0, le=1.0)
    type_match: float = Field(ge=0.0, le=1.0)
    agreement: float = Field(ge=0.0, le=1.0)
    fragment_coverage: float | None = Field(default=None, ge=0.0, le=1.0)
    specificity: float = Field(default=1.0, ge=0.0, le=1.0)
    corroboration: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator(
        "retrieval_support",
        "type_match",
        "agreement",
        "fragment_coverage",
        "specificity",
        "corroboration",
        mode="before",
    )
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
    ) * evidence(components)
    if components.fragment_coverage is not None:
        base = (1 - FRAGMENT_WEIGHT) * base + FRAGMENT_WEIGHT * components.fragment_coverage
    return round(min(1.0, max(0.0, base)), 4)


def evidence(components: ConfidenceComponents) -> float:
    """How far the source, the competing readings and the other passages back the answer, in [0, 1]."""
    return components.specificity * (0.6 + 0.4 * components.agreement) * components.corroboration


def specificity(type_match: float, structured: bool) -> float:
    """1 for a structured notice's named field; in written text, the cue's strength relative to a cue phrase."""
    return 1.0 if structured else min(1.0, max(0.0, type_match) / SPECIFIC_STRENGTH)


def corroboration(passages: int, structured: bool) -> float:
    """1 for a structured notice's field or a value stated in several passages; less for one written passage."""
    return 1.0 if structured or passages > 1 else UNCORROBORATED


def fragment_coverage(fragments: list[str], answer: str | None, snippets: list[str]) -> float | None:
    """Share of expected fragments present in the answer or its snippets; None when none are expected."""
    wanted = [" ".join(fragment.split()).casefold() for fragment in fragments if fragment.strip()]
    if not wanted:
        return None
    haystack = " ".join(" ".join(part.split()) for part in [answer or "", *snippets]).casefold()
    return sum(fragment in haystack for fragment in wanted) / len(wanted)
