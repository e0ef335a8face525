"""Which questions a request runs: its own, a named set, or the default procurement set."""

from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.questions import QuestionSetBody
from tenderflow_common.contracts.shared import JobRequest, QuestionSpec
from tenderflow_questions import repository
from tenderflow_questions.answering.questions import DEFAULT_QUESTION_SET

DEFAULT_SET_NAME = DEFAULT_QUESTION_SET.name


class UnknownQuestionSet(LookupError):
    """The request names a set the tenant does not have."""


def default_questions() -> list[QuestionSpec]:
    """The procurement set that ships with the product."""
    return list(DEFAULT_QUESTION_SET.questions)


async def resolve(session: AsyncSession, tenant_id: str, request: JobRequest) -> QuestionSetBody:
    """Ad-hoc questions win, then a named set (the tenant's own, or the builtin default), then the default.

    The request's temperature and completion tokens win over the set's."""
    if request.questions:
        chosen = QuestionSetBody(questions=list(request.questions))
    elif request.question_set and request.question_set != DEFAULT_SET_NAME:
        chosen = await repository.question_set(session, tenant_id, request.question_set)
        if chosen is None:
            raise UnknownQuestionSet(f"no question set named {request.question_set!r}")
    else:
        chosen = QuestionSetBody(questions=default_questions())
    return QuestionSetBody(questions=chosen.questions,
                           temperature=chosen.temperature if request.temperature is None else request.temperature,
                           max_tokens=request.max_tokens or chosen.max_tokens)
