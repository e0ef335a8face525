"""Candidate answers from extractors and the choice between them.

Each candidate has a strength: how directly its source states the asked-for fact (1.0 for the field made for
it, such as TED `DATE_RECEIPT_TENDERS`; about 0.5 for a prose pattern). A passage adds weight
strength * (0.5 + 0.5 * retrieval score). The chosen answer is the group of candidates with the same key that
has the strongest source, then the most weight. Agreement is that group's share of the weight of all
comparable candidates (strength at least half the chosen one's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tenderflow_common.contracts.workspace import Passage


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible answer read from `passages[passage].text[start:end]`; equal keys mean the same answer."""

    answer: str
    key: str
    passage: int
    start: int
    end: int
    strength: float


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen answer, the candidates that support it (strongest first) and how well it is supported."""

    answer: str
    support: tuple[Candidate, ...]
    type_match: float
    agreement: float


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _weight(candidate: Candidate, passages: Sequence[Passage]) -> float:
    return candidate.strength * (0.5 + 0.5 * clamp(passages[candidate.passage].score))


def _by_strength(candidates: Sequence[Candidate]) -> tuple[Candidate, ...]:
    return tuple(sorted(candidates, key=lambda c: (-c.strength, c.passage, c.start)))


def choose_one(candidates: Sequence[Candidate], passages: Sequence[Passage]) -> Choice | None:
    """The best-supported single answer, or None when there is no candidate."""
    if not candidates:
        return None
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.key, []).append(candidate)

    def rank(group: list[Candidate]) -> tuple[float, float, int, int]:
        first = min(group, key=lambda c: (c.passage, c.start))
        weight = sum(_weight(c, passages) for c in group)
        return (round(max(c.strength for c in group), 6), round(weight, 6), -first.passage, -first.start)

    best = max(groups.values(), key=rank)
    top = max(c.strength for c in best)
    comparable = [c for c in candidates if c.strength >= top / 2]
    agreeing = sum(_weight(c, passages) for c in comparable if c.key == best[0].key)
    shown = max(best, key=lambda c: (c.strength, len(c.answer), -c.passage, -c.start))
    agreement = agreeing / sum(_weight(c, passages) for c in comparable)
    return Choice(shown.answer, _by_strength(best), top, agreement)


def choose_all(
    candidates: Sequence[Candidate], passages: Sequence[Passage], separator: str = "; "
) -> Choice | None:
    """A list answer: every distinct candidate from sources at least half as strong as the strongest.

    Candidates keep the extractor's order; agreement is the weight share of the kept candidates.
    """
    if not candidates:
        return None
    top = max(c.strength for c in candidates)
    kept = [c for c in candidates if c.strength >= top / 2]
    distinct: dict[str, Candidate] = {}
    for candidate in kept:
        distinct.setdefault(candidate.key, candidate)
    agreement = sum(_weight(c, passages) for c in kept) / sum(_weight(c, passages) for c in candidates)
    answer = separator.join(candidate.answer for candidate in distinct.values())
    return Choice(answer, _by_strength(kept), top, agreement)
