"""Which questions a request runs: its own, a named set, or the default procurement set."""

from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.shared import JobRequest, QuestionSpec
from tenderflow_questions import repository
from tenderflow_questions.answering.questions import DEFAULT_QUESTION_SET

DEFAULT_SET_NAME = DEFAULT_QUESTION_SET.name


class UnknownQuestionSet(LookupError):
    """The request names a set the tenant does not have."""


def default_questions() -> list[QuestionSpec]:
    """The procurement set that ships with the product."""
    return list(DEFAULT_QUESTION_SET.questions)


async def resolve(session: AsyncSession, tenant_id: str, request: JobRequest) -> list[QuestionSpec]:
    """Ad-hoc questions win, then a named set (the tenant's own, or the builtin default), then the default."""
    if request.questions:
        return list(request.questions)
    if request.question_set and request.question_set != DEFAULT_SET_NAME:
        stored = await repository.question_set(session, tenant_id, request.question_set)
        if stored is None:
            raise UnknownQuestionSet(f"no question set named {request.question_set!r}")
        return stored
    return default_questions()
