"""A question set may carry a temperature and completion tokens; an upload's own values win over the set's."""

from sqlalchemy.ext.asyncio import async_sessionmaker

from tenderflow_common.contracts.questions import QuestionSetBody
from tenderflow_common.contracts.shared import JobRequest, QuestionSpec
from tenderflow_common.db import create_engine
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_questions import question_sets, repository
from tenderflow_questions.main import MIGRATIONS

QUESTIONS = [QuestionSpec(id="mail", text="What is the contact e-mail address?")]


async def test_the_request_wins_over_the_set_and_the_set_over_the_installation(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session, session.begin():
            await repository.save_question_set(session, "acme", "careful",
                                               QuestionSetBody(questions=QUESTIONS, temperature=0.3, max_tokens=200))
        async with sessions() as session:
            from_set = await question_sets.resolve(session, "acme", JobRequest(question_set="careful"))
            overridden = await question_sets.resolve(session, "acme", JobRequest(question_set="careful",
                                                                                temperature=0.9, max_tokens=64))
            default = await question_sets.resolve(session, "acme", JobRequest())
            stored = await repository.question_set(session, "acme", "careful")
    finally:
        await engine.dispose()
    assert (from_set.temperature, from_set.max_tokens, from_set.questions) == (0.3, 200, QUESTIONS)
    assert (overridden.temperature, overridden.max_tokens) == (0.9, 64)
    assert (default.temperature, default.max_tokens) == (None, None) and len(default.questions) == 11
    assert (stored.name, stored.temperature, stored.max_tokens) == ("careful", 0.3, 200)
