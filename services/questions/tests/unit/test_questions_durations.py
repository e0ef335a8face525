"""A duration question is answered with a period ahead, not with the years of experience a bidder must show."""

from __future__ import annotations

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.answering.extractive import answer_question
from tenderflow_questions.answering.typed import read_duration

COMPLETION = QuestionSpec(id="completion", text="What is the time for completion of the work?")


def test_a_period_that_looks_back_is_not_a_duration() -> None:
    assert read_duration("similar works completed for last three years") is None
    assert read_duration("during the preceding last 3 consecutive financial years") is None
    assert read_duration("nos últimos 5 anos") is None
    assert read_duration("within 18 months, experience of the last 3 years") == ("18 months", 7, 16)


def test_experience_years_do_not_answer_the_completion_time(pdf_passages) -> None:
    experience = "Produce a certificate of having completed similar works for last three years.\n"
    stated = "Time for completion of the work: 18 (Eighteen) months\n"

    assert answer_question(COMPLETION, pdf_passages([experience])).answer is None
    assert answer_question(COMPLETION, pdf_passages([experience, stated])).answer == "18 (Eighteen) months"
