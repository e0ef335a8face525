"""Runs and answers in the questions database."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.questions import AnswerRow, Citation, QuestionSetBody, QuestionSetView
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.remembered import is_remembered, remember
from tenderflow_common.telemetry import current_trace_headers
from tenderflow_common.work import Claimed
from tenderflow_questions.models import answers, cancelled_jobs, question_sets, runs
from tenderflow_questions.providers.base import Usage


@dataclass(frozen=True)
class RunTask(Claimed):
    """A run to execute, with what its events must carry."""

    workspace_id: str
    package_id: str | None
    """The package whose passages answer; None for a run over everything the workspace holds."""
    model: str
    questions: list[QuestionSpec]
    temperature: float | None = None
    max_tokens: int | None = None
    token_budget: int | None = None
    compare_with: list[str] = field(default_factory=list)

    @property
    def models(self) -> list[str]:
        """Every model the run answers with, its own first."""
        return list(dict.fromkeys([self.model, *self.compare_with]))


# The runs table predates runs over a whole workspace and requires a package: an empty one stands for none.
WHOLE_WORKSPACE = ""


async def run_exists(session: AsyncSession, job_id: str) -> bool:
    return await session.scalar(select(runs.c.id).where(runs.c.job_id == job_id)) is not None


async def add_run(session: AsyncSession, task: RunTask) -> None:
    await session.execute(insert(runs).values(
        id=task.id, job_id=task.job_id, tenant_id=task.tenant_id, correlation_id=task.correlation_id,
        cause_id=task.causation_id, workspace_id=task.workspace_id, package_id=task.package_id or WHOLE_WORKSPACE,
        model=task.model,
        questions=[q.model_dump(mode="json") for q in task.questions], status="pending",
        cancel_requested=await job_cancelled(session, task.job_id),
        temperature=task.temperature, max_tokens=task.max_tokens, token_budget=task.token_budget,
        compare_with=task.compare_with, trace_context=current_trace_headers(),
    ))


def task_from_row(row: Row) -> RunTask:
    """The claimed row as the runner's task."""
    return RunTask(id=row.id, job_id=row.job_id, tenant_id=row.tenant_id, correlation_id=row.correlation_id,
                   causation_id=row.cause_id, workspace_id=row.workspace_id, package_id=row.package_id or None,
                   model=row.model, questions=[QuestionSpec.model_validate(q) for q in row.questions],
                   temperature=row.temperature, max_tokens=row.max_tokens, token_budget=row.token_budget,
                   compare_with=row.compare_with or [])


async def request_cancel(session: AsyncSession, job_id: str) -> None:
    """Flag the job's run, and remember the job in case its run has not opened yet."""
    await remember(session, cancelled_jobs, job_id=job_id)
    await session.execute(update(runs).where(runs.c.job_id == job_id).values(cancel_requested=True))


async def job_cancelled(session: AsyncSession, job_id: str) -> bool:
    return await is_remembered(session, cancelled_jobs, job_id=job_id)


async def delete_runs(session: AsyncSession, *conditions: ColumnElement[bool]) -> None:
    """Delete the runs that meet every condition, with their answers; a repeat finds nothing left."""
    run_ids = list((await session.execute(select(runs.c.id).where(*conditions))).scalars())
    if run_ids:
        await session.execute(delete(answers).where(answers.c.run_id.in_(run_ids)))
        await session.execute(delete(runs).where(runs.c.id.in_(run_ids)))


async def tokens_spent(session: AsyncSession, run_id: str) -> int:
    """Prompt and completion tokens the run's stored answers cost."""
    spent = await session.scalar(select(func.sum(answers.c.prompt_tokens + answers.c.completion_tokens))
                                 .where(answers.c.run_id == run_id))
    return int(spent or 0)


async def answered(session: AsyncSession, run_id: str) -> set[tuple[str, str]]:
    """The (question id, model) pairs the run has stored answers for."""
    rows = await session.execute(select(answers.c.question_id, answers.c.model).where(answers.c.run_id == run_id))
    return {(row.question_id, row.model) for row in rows}


NO_USAGE = Usage()


async def add_answer(session: AsyncSession, run_id: str, row: AnswerRow, usage: Usage = NO_USAGE) -> None:
    await session.execute(insert(answers).values(
        run_id=run_id, question_id=row.question_id, model=row.model or "", question=row.question, answer=row.answer,
        confidence=row.confidence, fragment_coverage=row.fragment_coverage,
        citations=[c.model_dump(mode="json") for c in row.citations], path=row.path, grounded=row.grounded,
        error=row.error, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
    ))


async def results_for_job(session: AsyncSession, job_id: str, tenant_id: str) -> list[AnswerRow] | None:
    """Answers of a tenant's job in question order, then in the order of its models; None when it has no run."""
    run = (await session.execute(
        select(runs.c.id, runs.c.questions, runs.c.model, runs.c.compare_with)
        .where(runs.c.job_id == job_id, runs.c.tenant_id == tenant_id)
    )).first()
    if run is None:
        return None
    order = {q["id"]: position for position, q in enumerate(run.questions)}
    models = list(dict.fromkeys([run.model, *(run.compare_with or [])]))
    rows = (await session.execute(select(answers).where(answers.c.run_id == run.id))).all()
    result = [AnswerRow(question_id=r.question_id, question=r.question, answer=r.answer, confidence=r.confidence,
                        fragment_coverage=r.fragment_coverage,
                        citations=[Citation.model_validate(c) for c in r.citations], model=r.model or None,
                        path=r.path, grounded=r.grounded, error=r.error) for r in rows]
    return sorted(result, key=lambda row: (order.get(row.question_id, len(order)),
                                           models.index(row.model) if row.model in models else len(models)))


def _question_set(row: Row) -> QuestionSetView:
    return QuestionSetView(name=row.name, questions=[QuestionSpec.model_validate(q) for q in row.questions],
                           temperature=row.temperature, max_tokens=row.max_tokens)


async def question_set(session: AsyncSession, tenant_id: str, name: str) -> QuestionSetView | None:
    row = (await session.execute(select(question_sets).where(
        question_sets.c.tenant_id == tenant_id, question_sets.c.name == name))).first()
    return None if row is None else _question_set(row)


async def list_question_sets(session: AsyncSession, tenant_id: str) -> list[QuestionSetView]:
    rows = await session.execute(select(question_sets).where(question_sets.c.tenant_id == tenant_id)
                                 .order_by(question_sets.c.name))
    return [_question_set(row) for row in rows]


async def save_question_set(session: AsyncSession, tenant_id: str, name: str, body: QuestionSetBody) -> bool:
    """Create or replace a set; returns True when it was created."""
    values = {"questions": [q.model_dump(mode="json") for q in body.questions], "temperature": body.temperature,
              "max_tokens": body.max_tokens}
    result = await session.execute(update(question_sets).where(
        question_sets.c.tenant_id == tenant_id, question_sets.c.name == name).values(
        **values, updated_at=datetime.now(UTC)))
    if result.rowcount:
        return False
    await session.execute(insert(question_sets).values(id=uuid.uuid4().hex, tenant_id=tenant_id, name=name, **values))
    return True


async def delete_question_set(session: AsyncSession, tenant_id: str, name: str) -> bool:
    result = await session.execute(delete(question_sets).where(
        question_sets.c.tenant_id == tenant_id, question_sets.c.name == name))
    return result.rowcount > 0
