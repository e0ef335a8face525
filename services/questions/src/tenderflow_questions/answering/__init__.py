"""Answering from retrieved passages: the default question set and the offline extractive provider."""

from tenderflow_questions.answering.citations import Citation
from tenderflow_questions.answering.confidence import ConfidenceComponents, confidence
from tenderflow_questions.answering.extractive import ExtractedAnswer, answer_question
from tenderflow_questions.answering.kinds import AnswerKind, classify_question
from tenderflow_questions.answering.passages import Passage
from tenderflow_questions.answering.questions import DEFAULT_QUESTION_SET, Question, QuestionSet

__all__ = [
    "DEFAULT_QUESTION_SET",
    "AnswerKind",
    "Citation",
    "ConfidenceComponents",
    "ExtractedAnswer",
    "Passage",
    "Question",
    "QuestionSet",
    "answer_question",
    "classify_question",
    "confidence",
]
