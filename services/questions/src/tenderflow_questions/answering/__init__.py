"""Answering from retrieved passages: the default question set and the offline extractive provider."""

from tenderflow_questions.answering.confidence import ConfidenceComponents, confidence
from tenderflow_questions.answering.extractive import ExtractedAnswer, answer_question
from tenderflow_questions.answering.kinds import AnswerKind, classify_question
from tenderflow_questions.answering.questions import DEFAULT_QUESTION_SET, QuestionSet

__all__ = [
    "DEFAULT_QUESTION_SET",
    "AnswerKind",
    "ConfidenceComponents",
    "ExtractedAnswer",
    "QuestionSet",
    "answer_question",
    "classify_question",
    "confidence",
]
