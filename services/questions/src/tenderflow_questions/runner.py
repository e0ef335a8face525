"""Answers a run's questions concurrently, storing each answer once with its event."""

import asyncio
import functools
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.contracts.questions import AnswerRecorded, AnswerRow, RunCompleted, RunFailed
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import SearchQuery, SearchResult
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.messages import Message
from tenderflow_common.unit_of_work import Transaction
from tenderflow_common.work import HEARTBEAT_SECONDS, Claim, LeasedWorker, WorkQueue
from tenderflow_questions import repository
from tenderflow_questions.answering import classify_question
from tenderflow_questions.models import runs
from tenderflow_questions.providers import AnswerProvider, AnswerRequest, ProviderAnswer, ProviderFailed, Providers
from tenderflow_questions.repository import RunTask

SOURCE = "tenderflow/questions"
QUEUE = WorkQueue(runs, active="running")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answering:
    """What answering a run needs, wired once at composition."""

    transaction: Transaction
    sessions: async_sessionmaker[AsyncSession]
    workspace: InternalClient
    providers: Providers
    run_concurrency: int
    top_k: int


def run_worker(answering: Answering, *, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> LeasedWorker[RunTask]:
    """The background worker that claims pending runs and answers them."""
    return LeasedWorker("question-runs", QUEUE, answering.transaction, repository.task_from_row,
                        functools.partial(answer_run, answering=answering), heartbeat_seconds=heartbeat_seconds)


class RunCancelled(Exception):
    """The job was cancelled while its run was going."""


class _Stop:
    """Why a run starts no more questions: its job was cancelled, or a question failed."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.failure: Exception | None = None
        self.skipped = 0

    @property
    def requested(self) -> bool:
        return self.claim.cancelled.is_set() or self.failure is not None


async def answer_run(run: RunTask, claim: Claim, *, answering: Answering) -> None:
    """Answer every question not yet answered, then complete the run.

    Concurrency is bounded per run and per provider. A run's slot covers a question's search and provider call
    only: the answer is stored after the slot is free, so the provider is not kept waiting on the database.
    """
    try:
        provider = answering.providers.for_model(run.model)
        if claim.cancelled.is_set():
            raise RunCancelled()
        async with answering.sessions() as session:
            done = await repository.answered_question_ids(session, run.id)
        pending = [q for q in run.questions if q.id not in done]
        await _answer_all(run, pending, provider, _Stop(claim), answering)
        async with answering.sessions() as session:
            rows = await repository.results_for_job(session, run.job_id, run.tenant_id) or []
        answered = sum(1 for row in rows if row.answer is not None)
        await _end(run, "completed", RunCompleted(run_id=run.id, questions=len(run.questions), answered=answered),
                   "completed", answering)
    except RunCancelled:
        await _end(run, "cancelled", RunFailed(run_id=run.id, reason="cancelled", cancelled=True), "failed",
                   answering)
    except Exception as error:
        log.exception("run %s failed", run.id)
        await _end(run, "failed", RunFailed(run_id=run.id, reason=str(error)[:500]), "failed", answering)


async def _answer_all(run: RunTask, questions: list[QuestionSpec], provider: AnswerProvider, stop: _Stop,
                      answering: Answering) -> None:
    """Answer the questions; once the job is cancelled or a question fails, no other question starts.

    Those under way finish and are stored, so nothing is written after the run has ended.
    """
    run_slots = asyncio.Semaphore(answering.run_concurrency)
    await asyncio.gather(*(_answer(run, question, provider, run_slots, stop, answering) for question in questions))
    if stop.failure is not None:
        raise stop.failure
    if stop.skipped:
        raise RunCancelled()


async def _answer(run: RunTask, question: QuestionSpec, provider: AnswerProvider, run_slots: asyncio.Semaphore,
                  stop: _Stop, answering: Answering) -> None:
    try:
        async with run_slots:
            if stop.requested:
                stop.skipped += 1
                return
            passages = await _search(run, question, answering)
            request = AnswerRequest(question=question, passages=passages, model=run.model.split(":", 1)[1],
                                    run_id=run.id, tenant_id=run.tenant_id, workspace_id=run.workspace_id)
            async with answering.providers.slots(provider.name):
                try:
                    result = await provider.answer(request)
                except ProviderFailed as failure:
                    log.warning("question %s of run %s failed: %s", question.id, run.id, failure.code)
                    result = ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None,
                                            error=failure.code)
        await _store(run, question, result, answering)
    except Exception as error:
        stop.failure = stop.failure or error


async def _store(run: RunTask, question: QuestionSpec, result: ProviderAnswer, answering: Answering) -> None:
    row = AnswerRow(question_id=question.id, question=question.text, answer=result.answer,
                    confidence=result.confidence, fragment_coverage=result.fragment_coverage,
                    citations=result.citations, path=None if result.error else result.path, grounded=result.grounded,
                    error=result.error)
    async with answering.transaction() as uow:
        await repository.add_answer(uow.session, run.id, row, result.usage)
        await uow.emit(run.event(AnswerRecorded(run_id=run.id, question_id=question.id,
                                                answered=row.answer is not None, confidence=row.confidence),
                                 source=SOURCE, fact=f"answer:{question.id}"))


async def _search(run: RunTask, question: QuestionSpec, answering: Answering):
    query = SearchQuery(query=question.text, top_k=answering.top_k, document_types=question.document_types,
                        package_id=run.package_id, kind=classify_question(question.text))
    response = await answering.workspace.post(f"/internal/workspaces/{run.workspace_id}/search",
                                              json=query.model_dump(mode="json"), idempotent=True,
                                              tenant_id=run.tenant_id)
    response.raise_for_status()
    return SearchResult.model_validate_json(response.content).passages


async def _end(run: RunTask, status: str, message: Message, fact: str, answering: Answering) -> None:
    async with answering.transaction() as uow:
        await QUEUE.finish(uow.session, run.id, status)
        await uow.emit(run.event(message, source=SOURCE, fact=fact))
