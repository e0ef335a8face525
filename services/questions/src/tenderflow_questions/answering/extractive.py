"""The offline `extractive` answer provider: the shortest supported span, with citations and confidence.

It answers from retrieved passages only, with a typed extractor per answer kind, and answers nothing rather
than something unsupported.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions.answering.candidates import clamp
from tenderflow_questions.answering.citations import Citation, cite
from tenderflow_questions.answering.confidence import (
    ConfidenceComponents,
    confidence,
    corroboration,
    fragment_coverage,
    specificity,
)
from tenderflow_questions.answering.extractors import EXTRACTORS
from tenderflow_questions.answering.fields import STRUCTURED_TYPES
from tenderflow_questions.answering.kinds import AnswerKind, classify_question
from tenderflow_questions.answering.sections import focus_on_section

LIST_KINDS = frozenset({AnswerKind.CODE, AnswerKind.CRITERIA})


class ExtractedAnswer(BaseModel):
    """An answer (None when the passages do not support one), where it was read, and its evidence."""

    answer: str | None
    citations: list[Citation] = Field(default_factory=list)
    components: ConfidenceComponents
    kind: AnswerKind = AnswerKind.TEXT

    @property
    def confidence(self) -> float:
        return confidence(self.components, answered=self.answer is not None)


def answer_question(question: QuestionSpec, passages: Sequence[Passage]) -> ExtractedAnswer:
    """Answer one question from the passages of the document types it applies to."""
    routed = [p for p in passages if not question.document_types or p.doc_type in question.document_types]
    routed = list(focus_on_section(question.text, routed))
    kind = classify_question(question.text)
    choice = EXTRACTORS[kind](question, routed) if routed else None
    if choice is None:
        return _no_answer(question, routed, kind)
    citations = cite(choice.support, routed, limit=5 if kind in LIST_KINDS else 3)
    cited = {candidate.passage for candidate in choice.support}
    structured = routed[choice.support[0].passage].doc_type in STRUCTURED_TYPES
    components = ConfidenceComponents(
        retrieval_support=max(clamp(routed[index].score) for index in cited),
        type_match=choice.type_match,
        agreement=choice.agreement,
        specificity=specificity(choice.type_match, structured),
        corroboration=corroboration(len(cited), structured),
        fragment_coverage=fragment_coverage(
            question.expected_fragments, choice.answer, [citation.snippet for citation in citations]
        ),
    )
    return ExtractedAnswer(answer=choice.answer, citations=citations, components=components, kind=kind)


def _no_answer(question: QuestionSpec, passages: Sequence[Passage], kind: AnswerKind) -> ExtractedAnswer:
    components = ConfidenceComponents(
        retrieval_support=max((clamp(passage.score) for passage in passages), default=0.0),
        type_match=0.0,
        agreement=0.0,
        fragment_coverage=fragment_coverage(question.expected_fragments, None, []),
    )
    return ExtractedAnswer(answer=None, citations=[], components=components, kind=kind)
