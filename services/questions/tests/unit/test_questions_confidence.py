"""The confidence formula: bounded, zero without an answer, never lowered by better evidence."""

from __future__ import annotations

import random

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.answering.confidence import (
    ConfidenceComponents,
    confidence,
    corroboration,
    fragment_coverage,
    specificity,
)
from tenderflow_questions.answering.extractive import answer_question

SEEDED = random.Random(20240501)
SAMPLES = [
    (SEEDED.random(), SEEDED.random(), SEEDED.random(), SEEDED.random(), SEEDED.random()) for _ in range(500)
]


def _components(
    retrieval: float,
    type_match: float,
    agreement: float,
    coverage: float | None,
    corroborated: float = 1.0,
    specific: float = 1.0,
):
    return ConfidenceComponents(
        retrieval_support=retrieval,
        type_match=type_match,
        agreement=agreement,
        fragment_coverage=coverage,
        specificity=specific,
        corroboration=corroborated,
    )


def test_the_documented_weights() -> None:
    assert confidence(_components(1.0, 1.0, 1.0, None), answered=True) == 1.0
    assert confidence(_components(0.5, 1.0, 0.5, None), answered=True) == pytest.approx(
        (0.15 + 0.30 + 0.20) * (0.6 + 0.4 * 0.5)
    )
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
        base = [retrieval, type_match, agreement, coverage, bump, 1.0 - bump]
        for position in range(6):
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


def test_a_value_found_only_near_the_question_words_scores_low() -> None:
    assert specificity(0.35, structured=True) == 1.0
    assert specificity(0.9, structured=False) == 1.0
    assert specificity(0.35, structured=False) == pytest.approx(0.5)
    cued = confidence(_components(1.0, 0.7, 1.0, None, specific=specificity(0.7, False)), answered=True)
    near_words = confidence(_components(1.0, 0.35, 1.0, None, specific=specificity(0.35, False)), answered=True)

    assert cued == pytest.approx(0.91)
    assert near_words == pytest.approx((0.3 + 0.105 + 0.4) * 0.5)


def test_competing_readings_of_similar_strength_scale_the_score_down() -> None:
    agreed = confidence(_components(0.8, 0.8, 1.0, None), answered=True)
    disputed = confidence(_components(0.8, 0.8, 0.2, None), answered=True)

    assert agreed == pytest.approx(0.88)
    assert disputed == pytest.approx((0.24 + 0.24 + 0.08) * 0.68)
    assert disputed < 0.4


def test_one_written_passage_is_less_sure_than_several_or_a_field() -> None:
    assert corroboration(passages=1, structured=True) == 1.0
    assert corroboration(passages=2, structured=False) == 1.0
    assert corroboration(passages=1, structured=False) < 1.0
    alone = confidence(_components(1.0, 1.0, 1.0, None, corroboration(1, structured=False)), answered=True)
    assert alone < confidence(_components(1.0, 1.0, 1.0, None, corroboration(2, structured=False)), answered=True)


def test_weak_disputed_evidence_from_one_passage_falls_under_0_3() -> None:
    weak = _components(0.7, 0.45, 0.3, None, corroboration(1, False), specificity(0.45, False))

    assert confidence(weak, answered=True) < 0.3


PHONE = QuestionSpec(id="phone", text="What is the contact telephone number?")


def test_a_value_stated_in_two_passages_is_more_confident_than_in_one(pdf_passages) -> None:
    page = "Contact telephone number: +34 953 219 195\n"
    once = answer_question(PHONE, pdf_passages([page, "Delivery within 30 days.\n"]))
    twice = answer_question(PHONE, pdf_passages([page, "Annex B\n" + page]))

    assert once.answer == twice.answer == "+34 953 219 195"
    assert once.components.corroboration < 1.0 and once.components.specificity < 1.0
    assert twice.components.corroboration == 1.0
    assert twice.confidence > once.confidence
