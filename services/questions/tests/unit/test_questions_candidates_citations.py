"""Choosing between candidate answers, and citing where they were read."""

from __future__ import annotations

import pytest

from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Candidate, choose_all, choose_one
from tenderflow_questions.answering.citations import SNIPPET_CHARS, cite, snippet


def _passages(count: int, score: float = 1.0) -> list[Passage]:
    return [
        Passage(
            chunk_id=f"d:{n}",
            document_id="d",
            file="f.pdf",
            doc_type="pdf",
            text=f"text {n}",
            page=n + 1,
            score=score,
        )
        for n in range(count)
    ]


def _candidate(answer: str, passage: int, strength: float, key: str | None = None) -> Candidate:
    return Candidate(answer, key or answer, passage, 0, 4, strength)


def test_no_candidates_means_no_choice() -> None:
    assert choose_one([], _passages(1)) is None
    assert choose_all([], _passages(1)) is None


def test_the_strongest_source_wins_over_more_numerous_weaker_ones() -> None:
    candidates = [_candidate("A", 0, 1.0), _candidate("B", 1, 0.6), _candidate("B", 2, 0.6)]

    choice = choose_one(candidates, _passages(3))

    assert choice is not None and choice.answer == "A"
    assert choice.type_match == 1.0
    assert choice.agreement == pytest.approx(1.0 / 2.2)


def test_among_equally_strong_sources_the_most_supported_answer_wins() -> None:
    candidates = [_candidate("A", 0, 0.8), _candidate("B", 1, 0.8), _candidate("B", 2, 0.8)]

    choice = choose_one(candidates, _passages(3))

    assert choice is not None and choice.answer == "B"
    assert choice.agreement == pytest.approx(2 / 3)
    assert [candidate.passage for candidate in choice.support] == [1, 2]


def test_much_weaker_rivals_do_not_count_against_agreement() -> None:
    choice = choose_one([_candidate("A", 0, 1.0), _candidate("B", 1, 0.4)], _passages(2))

    assert choice is not None and choice.agreement == 1.0


def test_equal_keys_agree_and_the_fullest_strongest_form_is_shown() -> None:
    candidates = [
        _candidate("2019-03-22", 0, 0.9, key="2019-03-22"),
        _candidate("2019-03-22T15:00:00", 1, 0.9, key="2019-03-22"),
    ]

    choice = choose_one(candidates, _passages(2))

    assert choice is not None and choice.answer == "2019-03-22T15:00:00" and choice.agreement == 1.0


def test_retrieval_score_weighs_equally_strong_conflicting_candidates() -> None:
    passages = _passages(2)
    passages[1] = passages[1].model_copy(update={"score": 0.0})

    choice = choose_one([_candidate("low", 1, 0.8), _candidate("high", 0, 0.8)], passages)

    assert choice is not None and choice.answer == "high"


def test_ties_go_to_the_earliest_passage() -> None:
    choice = choose_one([_candidate("second", 1, 0.8), _candidate("first", 0, 0.8)], _passages(2))

    assert choice is not None and choice.answer == "first"


def test_list_answers_keep_order_drop_duplicates_and_weak_sources() -> None:
    candidates = [
        _candidate("73000000", 0, 1.0),
        _candidate("71000000", 0, 0.9),
        _candidate("73000000", 1, 0.8),
        _candidate("99999999", 2, 0.3),
    ]

    choice = choose_all(candidates, _passages(3), separator=", ")

    assert choice is not None and choice.answer == "73000000, 71000000"
    assert choice.agreement == pytest.approx(2.7 / 3.0)


def test_snippet_is_a_window_of_about_200_characters_around_the_span() -> None:
    text = " ".join(f"word{n}" for n in range(200))
    start = text.index("word100")
    end = start + len("word100")

    window = snippet(text, start, end)

    assert "word100" in window
    assert SNIPPET_CHARS - 20 <= len(window) <= SNIPPET_CHARS
    assert window.startswith("word") and text.count(window) == 1


def test_snippet_near_the_start_extends_to_the_right_and_collapses_whitespace() -> None:
    text = "Buyer:\n  City   of Springfield\n" + "filler " * 60

    window = snippet(text, text.index("City"), text.index("Springfield") + len("Springfield"))

    assert window.startswith("Buyer: City of Springfield filler")
    assert len(window) <= SNIPPET_CHARS


def test_short_text_is_its_own_snippet() -> None:
    assert snippet("Deadline: 2 May 2019", 10, 20) == "Deadline: 2 May 2019"


def test_citations_name_each_supporting_passage_once_up_to_the_limit() -> None:
    passages = _passages(5)
    support = [_candidate("A", n % 4, 1.0) for n in range(8)]

    citations = cite(support, passages, limit=3)

    assert [citation.page for citation in citations] == [1, 2, 3]
    assert all(citation.file == "f.pdf" for citation in citations)
