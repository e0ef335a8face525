"""Models agree on a question when their answers say the same, folded; no answer agrees only with no answer."""

from tenderflow_common.contracts.questions import AnswerRow
from tenderflow_questions.comparison import compare


def row(question: str, model: str, answer: str | None) -> AnswerRow:
    return AnswerRow(question_id=question, question=question, model=model, answer=answer, confidence=0.5,
                     citations=[])


def test_one_model_gives_no_comparisons():
    assert compare([row("q", "extractive:default", "x")]) == []


def test_answers_that_say_the_same_agree_and_others_do_not():
    comparisons = compare([
        row("buyer", "a:1", "Port of Tallinn"), row("buyer", "b:2", "the PORT of Tallinn."),
        row("value", "a:1", "EUR 1 250 000"), row("value", "b:2", "EUR 990 000"),
        row("lots", "a:1", None), row("lots", "b:2", None),
        row("email", "a:1", "x@example.org"), row("email", "b:2", None),
    ])
    assert [(c.question_id, c.agree) for c in comparisons] == [("buyer", True), ("value", False), ("lots", True),
                                                               ("email", False)]
    assert comparisons[0].answers == {"a:1": "Port of Tallinn", "b:2": "the PORT of Tallinn."}
