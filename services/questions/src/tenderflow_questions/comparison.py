"""Whether the models a job compares agree, question by question."""

from itertools import groupby

from tenderflow_common.contracts.questions import AnswerRow, Comparison
from tenderflow_questions.providers.llm import normalised


def compare(rows: list[AnswerRow]) -> list[Comparison]:
    """One comparison per question when the rows come from several models; none otherwise.

    Models agree when their answers are the same once case, spacing and punctuation are folded, or one holds the
    other ("Port of Tallinn" and "the Port of Tallinn"); "no answer" agrees only with "no answer"."""
    if len({row.model for row in rows}) < 2:
        return []
    comparisons = []
    for question_id, answers in groupby(rows, key=lambda row: row.question_id):
        by_model = {row.model or "": row.answer for row in answers}
        comparisons.append(Comparison(question_id=question_id, agree=_agree(list(by_model.values())),
                                      answers=by_model))
    return comparisons


def _agree(answers: list[str | None]) -> bool:
    if all(answer is None for answer in answers):
        return True
    if any(answer is None for answer in answers):
        return False
    folded = [normalised(answer) for answer in answers]
    shortest = min(folded, key=len)
    return all(shortest in answer for answer in folded)
