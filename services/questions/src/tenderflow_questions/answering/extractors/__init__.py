"""One extractor per answer kind; each reads candidates from passages and chooses among them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import Choice, choose_one
from tenderflow_questions.answering.extractors.codes import extract_codes
from tenderflow_questions.answering.extractors.criteria import extract_criteria
from tenderflow_questions.answering.extractors.deadline import ASKS_FOR_DEADLINE, extract_date
from tenderflow_questions.answering.extractors.free import extract_free
from tenderflow_questions.answering.extractors.generic import keyed_candidates, read_text
from tenderflow_questions.answering.extractors.identity import extract_reference, extract_title
from tenderflow_questions.answering.extractors.lots import extract_count
from tenderflow_questions.answering.extractors.parties import extract_buyer, extract_email
from tenderflow_questions.answering.extractors.procedure import extract_procedure
from tenderflow_questions.answering.extractors.value import extract_currency, extract_money
from tenderflow_questions.answering.kinds import AnswerKind

Extractor = Callable[[QuestionSpec, Sequence[Passage]], Choice | None]


def extract_text(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Free questions: the value of the field named like the question, else a short phrase after its subject."""
    keyed = choose_one(keyed_candidates(question, passages, read_text), passages)
    return keyed or extract_free(AnswerKind.TEXT, question, passages)


def extract_event_date(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Deadline questions read deadline evidence; other dates are read after the question's subject."""
    if ASKS_FOR_DEADLINE.search(question.text):
        return extract_date(question, passages)
    return extract_free(AnswerKind.DATE, question, passages) or extract_date(question, passages)


def extract_amount(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
    """Value evidence first; a fee or an item's amount it does not read comes from the passage about it."""
    return extract_money(question, passages) or extract_free(AnswerKind.MONEY, question, passages)


def _free(kind: AnswerKind) -> Extractor:
    """A structured notice's field named like the question, else the typed span after the question's subject."""

    def extract(question: QuestionSpec, passages: Sequence[Passage]) -> Choice | None:
        keyed = choose_one(keyed_candidates(question, passages, read_text), passages)
        return keyed or extract_free(kind, question, passages)

    return extract


EXTRACTORS: dict[AnswerKind, Extractor] = {
    AnswerKind.EMAIL: extract_email,
    AnswerKind.CURRENCY: extract_currency,
    AnswerKind.COUNT: extract_count,
    AnswerKind.CODE: extract_codes,
    AnswerKind.CRITERIA: extract_criteria,
    AnswerKind.DATE: extract_event_date,
    AnswerKind.PROCEDURE: extract_procedure,
    AnswerKind.REFERENCE: extract_reference,
    AnswerKind.MONEY: extract_amount,
    AnswerKind.NAME: extract_buyer,
    AnswerKind.TITLE: extract_title,
    AnswerKind.TEXT: extract_text,
    **{
        kind: _free(kind)
        for kind in (AnswerKind.PERSON, AnswerKind.PLACE, AnswerKind.DURATION, AnswerKind.QUANTITY, AnswerKind.PHONE)
    },
}

__all__ = ["EXTRACTORS", "Extractor"]
