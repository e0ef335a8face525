"""The default question set and the mapping of question texts to answer kinds."""

from __future__ import annotations

import pydantic
import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.answering import DEFAULT_QUESTION_SET, AnswerKind, classify_question

DEFAULT_KINDS = {
    "buyer": AnswerKind.NAME,
    "title": AnswerKind.TITLE,
    "reference": AnswerKind.REFERENCE,
    "deadline": AnswerKind.DATE,
    "value": AnswerKind.MONEY,
    "currency": AnswerKind.CURRENCY,
    "procedure": AnswerKind.PROCEDURE,
    "classification": AnswerKind.CODE,
    "lots": AnswerKind.COUNT,
    "award_criteria": AnswerKind.CRITERIA,
    "contact_email": AnswerKind.EMAIL,
}


def test_default_set_has_stable_unique_ids_in_order() -> None:
    assert DEFAULT_QUESTION_SET.name == "procurement-default"
    assert [question.id for question in DEFAULT_QUESTION_SET.questions] == list(DEFAULT_KINDS)


@pytest.mark.parametrize(("question_id", "kind"), list(DEFAULT_KINDS.items()))
def test_each_default_question_reaches_its_extractor(question_id: str, kind: AnswerKind) -> None:
    assert classify_question(DEFAULT_QUESTION_SET.by_id(question_id).text) is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Who is the contact e-mail for the buyer?", AnswerKind.EMAIL),
        ("What currency is the budget in?", AnswerKind.CURRENCY),
        ("What is the tender's solicitation number?", AnswerKind.REFERENCE),
        ("How many tenders were received?", AnswerKind.COUNT),
        ("Which are the evaluation criteria and weightings?", AnswerKind.CRITERIA),
        ("When does the tender close?", AnswerKind.DATE),
        ("Wie lautet die Angebotsfrist?", AnswerKind.DATE),
        ("Quel est le montant estimé ?", AnswerKind.MONEY),
        ("Name of the contracting authority?", AnswerKind.NAME),
        ("What is the name of the contracting authority?", AnswerKind.NAME),
        ("What is the reference number of the notice?", AnswerKind.REFERENCE),
        ("When must tenders be received?", AnswerKind.DATE),
        ("Quelle est la date limite de remise des offres ?", AnswerKind.DATE),
        ("Wie hoch ist der geschätzte Wert?", AnswerKind.MONEY),
        ("In which currency is the value expressed?", AnswerKind.CURRENCY),
        ("What is the name of the project?", AnswerKind.TITLE),
        ("Describe the scope of works.", AnswerKind.TEXT),
    ],
)
def test_question_texts_map_to_kinds(text: str, kind: AnswerKind) -> None:
    assert classify_question(text) is kind


def test_questions_default_to_no_fragments_and_every_document_type() -> None:
    question = QuestionSpec(id="q", text="What is the title?")

    assert question.expected_fragments == [] and question.document_types == []


def test_questions_need_an_id_and_a_text() -> None:
    with pytest.raises(pydantic.ValidationError):
        QuestionSpec(id="", text="What?")
    with pytest.raises(pydantic.ValidationError):
        QuestionSpec(id="q", text="")
