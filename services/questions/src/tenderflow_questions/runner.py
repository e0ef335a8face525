"""Answers a run's questions concurrently, storing each answer once with its event."""

import asyncio
import functools
import logging
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common import failures
from tenderflow_common.contracts.questions import AnswerRecorded, AnswerRow, RunCompleted, RunFailed
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import SearchQuery, SearchResult
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.messages import Message
from tenderflow_common.telemetry import tracer
from tenderflow_common.unit_of_work import Transaction
from tenderflow_common.work import HEARTBEAT_SECONDS, Claim, LeasedWorker, TimeSlice, WorkQueue, interrupted
from tenderflow_questions import repository
from tenderflow_questions.answering import classify_question
from tenderflow_questions.models import runs
from tenderflow_questions.providers import AnswerProvider, AnswerRequest, ProviderAnswer, ProviderFailed, Providers
from tenderflow_questions.repository import RunTask

SOURCE = "tenderflow/questions"
QUEUE = WorkQueue(runs, active="running", by_tenant=True)
# Questions started together between two looks at the run's time slice, per question answered at once.
BATCH_PER_SLOT = 4
log = logging.getLogger(__name__)


class TenantSlots:
    """At most `concurrency` provider calls in flight per tenant, so one tenant's runs cannot take every slot of
    a provider from the others (per replica)."""

    def __init__(self, concurrency: int) -> None:
        self._concurrency = concurrency
        self._slots: dict[str, asyncio.Semaphore] = {}

    def hold(self, tenant_id: str) -> asyncio.Semaphore:
        return self._slots.setdefault(tenant_id, asyncio.Semaphore(self._concurrency))


@dataclass(frozen=True)
class Answering:
    """What answering a run needs, wired once at composition."""

    transaction: Transaction
    sessions: async_sessionmaker[AsyncSession]
    workspace: InternalClient
    providers: Providers
    run_concurrency: int
    top_k: int
    temperature: float = 0.0
    max_tokens: int = 512
    tenant_slots: TenantSlots = field(default_factory=lambda: TenantSlots(4))
    # Runs of one tenant in work at once, and how long a run answers before another tenant's waiting run goes first.
    tenant_max_running: int = 4
    slice_seconds: float = 30.0


def run_worker(answering: Answering, *, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> LeasedWorker[RunTask]:
    """The background worker that claims pending runs, tenants in turn, and answers them."""
    return LeasedWorker("question-runs", _queue(answering), answering.transaction, repository.task_from_row,
                        functools.partial(answer_run, answering=answering), heartbeat_seconds=heartbeat_seconds)


def _queue(answering: Answering) -> WorkQueue:
    """The runs' queue with this replica's cap on one tenant's runs in work."""
    return replace(QUEUE, tenant_cap=answering.tenant_max_running)


class RunCancelled(Exception):
    """The job was cancelled while its run was going."""


class _RunState:
    """What every question of a run shares: why no more should start, and the tokens spent against the budget."""

    def __init__(self, claim: Claim, spent: int, budget: int | None) -> None:
        self.claim = claim
        self.failure: Exception | None = None
        self.skipped = 0
        self.spent = spent
        self.budget = budget

    @property
    def stopping(self) -> bool:
        return self.claim.cancelled.is_set() or self.failure is not None

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.spent >= self.budget


async def answer_run(run: RunTask, claim: Claim, *, answering: Answering) -> None:
    """Answer every question not yet answered, then complete the run.

    Concurrency is bounded per run and per provider. A run's slot covers a question's search and provider call
    only: the answer is stored after the slot is free, so the provider is not kept waiting on the database.
    """
    time_slice = TimeSlice(answering.slice_seconds)
    try:
        providers = {model: answering.providers.for_model(model) for model in run.models}
        if claim.cancelled.is_set():
            raise RunCancelled()
        async with answering.sessions() as session:
            done = await repository.answered(session, run.id)
            spent = await repository.tokens_spent(session, run.id)
        pending = [(question, model) for question in run.questions for model in run.models
                   if (question.id, model) not in done]
        state = _RunState(claim, spent, run.token_budget)
        batch = answering.run_concurrency * BATCH_PER_SLOT
        for start in range(0, len(pending), batch):
            if start and time_slice.spent() and await _give_turn(run, answering):
                return  # another tenant's run goes first; this one resumes with the questions not yet answered
            await _answer_all(run, pending[start:start + batch], providers, state, answering)
        async with answering.sessions() as session:
            rows = await repository.results_for_job(session, run.job_id, run.tenant_id) or []
        answered = sum(1 for row in rows if row.answer is not None)
        await _end(run, "completed", RunCompleted(run_id=run.id, questions=len(run.questions) * len(run.models),
                                                  answered=answered), "completed", answering)
    except RunCancelled:
        await _end(run, "cancelled", RunFailed(run_id=run.id, reason="cancelled", cancelled=True), "failed",
                   answering)
    except Exception as error:
        if interrupted(error):
            raise  # the lease runs out and the run resumes with the questions not yet answered
        log.exception("run %s failed", run.id)  # the detail stays here, under the job's correlation id
        await _end(run, "failed", RunFailed(run_id=run.id, code=failures.ANSWERING_FAILED,
                                            reason=failures.MESSAGES[failures.ANSWERING_FAILED]), "failed", answering)


async def _answer_all(run: RunTask, pending: list[tuple[QuestionSpec, str]], providers: dict[str, AnswerProvider],
                      state: _RunState, answering: Answering) -> None:
    """Answer the questions; once a question fails no other starts, and once the job is cancelled the calls in
    flight are aborted. Nothing is written after the run has ended."""
    run_slots = asyncio.Semaphore(answering.run_concurrency)
    tasks = [asyncio.create_task(_answer(run, question, model, providers[model], run_slots, state, answering))
             for question, model in pending]
    abort = asyncio.create_task(_abort_on_cancel(state.claim, tasks))
    try:
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        abort.cancel()
    if state.failure is not None:
        raise state.failure
    if state.claim.cancelled.is_set() or state.skipped:
        raise RunCancelled()


async def _abort_on_cancel(claim: Claim, tasks: list[asyncio.Task]) -> None:
    await claim.wait_cancelled()
    for task in tasks:
        task.cancel()


async def _answer(run: RunTask, question: QuestionSpec, model: str, provider: AnswerProvider,
                  run_slots: asyncio.Semaphore, state: _RunState, answering: Answering) -> None:
    with tracer(__name__).start_as_current_span(f"answer {question.id}", attributes={
            "tenderflow.question_id": question.id, "tenderflow.model": model}):
        try:
            async with run_slots:
                if state.stopping:
                    state.skipped += 1
                    return
                if state.over_budget:
                    result = _failed_answer("token_budget_exhausted")
                else:
                    result = await _ask(run, question, model, provider, answering)
                    state.spent += result.usage.prompt_tokens + result.usage.completion_tokens
            await _store(run, question, model, result, answering)
        except Exception as error:
            state.failure = state.failure or error


async def _ask(run: RunTask, question: QuestionSpec, model: str, provider: AnswerProvider,
               answering: Answering) -> ProviderAnswer:
    """The provider's answer, or a failed answer carrying its stable code when the provider failed for good."""
    passages = await _search(run, question, answering)
    request = AnswerRequest(question=question, passages=passages, model=model.split(":", 1)[1],
                            run_id=run.id, tenant_id=run.tenant_id, workspace_id=run.workspace_id,
                            temperature=answering.temperature if run.temperature is None else run.temperature,
                            max_tokens=run.max_tokens or answering.max_tokens)
    async with answering.providers.slots(provider.name), answering.tenant_slots.hold(run.tenant_id):
        try:
            return await provider.answer(request)
        except ProviderFailed as failure:
            log.warning("question %s of run %s failed: %s", question.id, run.id, failure.code)
            return _failed_answer(failure.code)


def _failed_answer(code: str) -> ProviderAnswer:
    return ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None, error=code)


async def _store(run: RunTask, question: QuestionSpec, model: str, result: ProviderAnswer,
                 answering: Answering) -> None:
    row = AnswerRow(question_id=question.id, question=question.text, model=model, answer=result.answer,
                    confidence=result.confidence, fragment_coverage=result.fragment_coverage,
                    citations=result.citations, path=None if result.error else result.path, grounded=result.grounded,
                    error=result.error)
    async with answering.transaction() as uow:
        await repository.add_answer(uow.session, run.id, row, result.usage)
        await uow.emit(run.event(AnswerRecorded(run_id=run.id, question_id=question.id, model=model,
                                                answered=row.answer is not None, confidence=row.confidence),
                                 source=SOURCE, fact=_answer_fact(run, question, model)))


async def _search(run: RunTask, question: QuestionSpec, answering: Answering):
    query = SearchQuery(query=question.text, top_k=answering.top_k, document_types=question.document_types,
                        package_id=run.package_id, kind=classify_question(question.text))
    response = await answering.workspace.post(f"/internal/workspaces/{run.workspace_id}/search",
                                              json=query.model_dump(mode="json"), idempotent=True,
                                              tenant_id=run.tenant_id)
    response.raise_for_status()
    return SearchResult.model_validate_json(response.content).passages


async def _give_turn(run: RunTask, answering: Answering) -> bool:
    """After its slice, hand the run back if another tenant's run waits."""
    async with answering.transaction() as uow:
        return await _queue(answering).give_turn(uow.session, run)


async def _end(run: RunTask, status: str, message: Message, fact: str, answering: Answering) -> None:
    async with answering.transaction() as uow:
        await QUEUE.finish(uow.session, run.id, status)
        await uow.emit(run.event(message, source=SOURCE, fact=fact))


def _answer_fact(run: RunTask, question: QuestionSpec, model: str) -> str:
    """The run's own model keeps the fact name answers always had, so an event re-emitted after an upgrade keeps
    its id."""
    return f"answer:{question.id}" if model == run.model else f"answer:{question.id}:{model}"
