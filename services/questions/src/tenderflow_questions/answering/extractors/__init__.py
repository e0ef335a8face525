"""One extractor per answer kind; each reads candidates from passages and chooses among them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Choice, choose_one
from tenderflow_questions.answering.extractors.codes import extract_codes
from tenderflow_questions.answering.extractors.criteria import extract_criteria
from tenderflow_questions.answering.extractors.deadline import extract_date
from tenderflow_questions.answering.extractors.generic import keyed_candidates, read_text
from tenderflow_questions.answering.extractors.identity import extract_reference, extract_title
from tenderflow_questions.answering.extractors.lots import extract_count
from tenderflow_questions.answering.extractors.parties import extract_buyer, extract_email
from tenderflow_questions.answering.extractors.procedure import extract_procedure
from tenderflow_questions.answering.extractors.value import extract_currency, extract_money
from tenderflow_questions.answering.kinds import AnswerKind

Extractor = Callable[[QuestionSpec, Sequence[Passage]], Choice | None]


def extract_text(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Free questions: the value of the field whose name matches the question best."""
    return choose_one(keyed_candidates(question, passages, read_text), passages)


EXTRACTORS: dict[AnswerKind, Extractor] = {
    AnswerKind.EMAIL: extract_email,
    AnswerKind.CURRENCY: extract_currency,
    AnswerKind.COUNT: extract_count,
    AnswerKind.CODE: extract_codes,
    AnswerKind.CRITERIA: extract_criteria,
    AnswerKind.DATE: extract_date,
    AnswerKind.PROCEDURE: extract_procedure,
    AnswerKind.REFERENCE: extract_reference,
    AnswerKind.MONEY: extract_money,
    AnswerKind.NAME: extract_buyer,
    AnswerKind.TITLE: extract_title,
    AnswerKind.TEXT: extract_text,
}

__all__ = ["EXTRACTORS", "Extractor"]
