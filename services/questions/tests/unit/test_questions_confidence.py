"""The confidence formula: bounded, zero without an answer, never lowered by better evidence."""

from __future__ import annotations

import random

import pytest

from tenderflow_questions.answering.confidence import ConfidenceComponents, confidence, fragment_coverage

SEEDED = random.Random(20240501)
SAMPLES = [
    (SEEDED.random(), SEEDED.random(), SEEDED.random(), SEEDED.random(), SEEDED.random()) for _ in range(500)
]


def _components(retrieval: float, type_match: float, agreement: float, coverage: float | None):
    return ConfidenceComponents(
        retrieval_support=retrieval, type_match=type_match, agreement=agreement, fragment_coverage=coverage
    )


def test_the_documented_weights() -> None:
    assert confidence(_components(1.0, 1.0, 1.0, None), answered=True) == 1.0
    assert confidence(_components(0.5, 1.0, 0.5, None), answered=True) == pytest.approx(0.15 + 0.30 + 0.20)
    assert confidence(_components(1.0, 1.0, 1.0, 0.0), answered=True) == pytest.approx(0.65)
    assert confidence(_components(0.0, 0.0, 0.0, 1.0), answered=True) == pytest.approx(0.35)


@pytest.mark.parametrize(("retrieval", "type_match", "agreement", "coverage", "_"), SAMPLES[:100])
def test_confidence_lies_in_the_unit_interval(retrieval, type_match, agreement, coverage, _) -> None:
    for fragments in (None, coverage):
        value = confidence(_components(retrieval, type_match, agreement, fragments), answered=True)
        assert 0.0 <= value <= 1.0


@pytest.mark.parametrize("coverage", [None, 0.0, 0.5, 1.0])
def test_no_answer_has_exactly_zero_confidence(coverage: float | None) -> None:
    assert confidence(_components(1.0, 1.0, 1.0, coverage), answered=False) == 0.0


def test_confidence_never_falls_as_fragment_coverage_rises() -> None:
    for retrieval, type_match, agreement, low, high in SAMPLES:
        low, high = sorted((low, high))
        before = confidence(_components(retrieval, type_match, agreement, low), answered=True)
        after = confidence(_components(retrieval, type_match, agreement, high), answered=True)
        assert after >= before


def test_higher_agreement_never_lowers_confidence() -> None:
    for retrieval, type_match, coverage, low, high in SAMPLES:
        low, high = sorted((low, high))
        for fragments in (None, coverage):
            before = confidence(_components(retrieval, type_match, low, fragments), answered=True)
            after = confidence(_components(retrieval, type_match, high, fragments), answered=True)
            assert after >= before


def test_every_component_is_monotone() -> None:
    for retrieval, type_match, agreement, coverage, bump in SAMPLES[:200]:
        base = [retrieval, type_match, agreement, coverage]
        for position in range(4):
            raised = list(base)
            raised[position] = min(1.0, raised[position] + bump)
            assert confidence(_components(*raised), answered=True) >= confidence(
                _components(*base), answered=True
            )


def test_out_of_range_components_are_clamped() -> None:
    components = _components(1.7, -0.2, 0.5, 3.0)

    assert (components.retrieval_support, components.type_match, components.fragment_coverage) == (
        1.0,
        0.0,
        1.0,
    )


def test_fragment_coverage_is_case_and_whitespace_insensitive() -> None:
    assert fragment_coverage([], "x", []) is None
    assert fragment_coverage(["  "], "x", []) is None
    assert fragment_coverage(["highways  ENGLAND"], "Highways England", []) == 1.0
    assert fragment_coverage(["GBP", "300,000,000"], "300,000,000 GBP", []) == 1.0
    assert fragment_coverage(["Birmingham", "GBP"], "Highways England", ["The Cube,\nBirmingham"]) == 0.5
    assert fragment_coverage(["anything"], None, []) == 0.0
