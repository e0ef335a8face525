"""Answers a run's questions concurrently, storing each answer once with its event."""

import asyncio
import contextlib
import logging

from tenderflow_common.contracts.questions import AnswerRecorded, AnswerRow, RunCompleted, RunFailed
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import SearchQuery, SearchResult
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.messages import Message
from tenderflow_common.service import ServiceRuntime
from tenderflow_questions import repository
from tenderflow_questions.answering import classify_question
from tenderflow_questions.providers import AnswerProvider, ProviderAnswer, provider_for
from tenderflow_questions.repository import RunTask

SOURCE = "tenderflow/questions"
# How often a running run renews its claim and looks for a cancellation; the lease lasts CLAIM_LEASE.
HEARTBEAT_SECONDS = 1.0
log = logging.getLogger(__name__)


class RunCancelled(Exception):
    """The job was cancelled while its run was going."""


class _Stop:
    """Why a run starts no more questions: its job was cancelled, or a question failed."""

    def __init__(self) -> None:
        self.cancelled = False
        self.failure: Exception | None = None
        self.skipped = 0

    @property
    def requested(self) -> bool:
        return self.cancelled or self.failure is not None


class RunRunner:
    """Claims pending runs and answers them; concurrency is bounded per run and per provider.

    A run's slot covers a question's search and provider call only: the answer is stored after the slot is
    free, so the provider is not kept waiting on the database. One heartbeat per run, not one per question,
    renews the claim and notices cancellation.
    """

    def __init__(self, runtime: ServiceRuntime, workspace: InternalClient, *, run_concurrency: int,
                 provider_concurrency: int, top_k: int, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        self._runtime = runtime
        self._workspace = workspace
        self._run_concurrency = run_concurrency
        self._provider_slots: dict[str, asyncio.Semaphore] = {}
        self._provider_concurrency = provider_concurrency
        self._top_k = top_k
        self._heartbeat_seconds = heartbeat_seconds

    async def claim_next(self) -> RunTask | None:
        async with self._runtime.unit_of_work() as uow:
            task = await repository.claim_next(uow.session)
            await uow.commit()
        return task

    async def process(self, run: RunTask) -> None:
        """Answer every question not yet answered, then complete the run."""
        try:
            provider = provider_for(run.model)
            if not await self._heartbeat(run):
                raise RunCancelled()
            async with self._runtime.sessions() as session:
                done = await repository.answered_question_ids(session, run.id)
            pending = [q for q in run.questions if q.id not in done]
            await self._answer_all(run, pending, provider)
            async with self._runtime.sessions() as session:
                rows = await repository.results_for_job(session, run.job_id, run.tenant_id) or []
            answered = sum(1 for row in rows if row.answer is not None)
            await self._end(run, "completed", RunCompleted(run_id=run.id, questions=len(run.questions),
                                                           answered=answered), "completed")
        except RunCancelled:
            await self._end(run, "cancelled", RunFailed(run_id=run.id, reason="cancelled", cancelled=True),
                            "failed")
        except Exception as error:
            log.exception("run %s failed", run.id)
            await self._end(run, "failed", RunFailed(run_id=run.id, reason=str(error)[:500]), "failed")

    async def _answer_all(self, run: RunTask, questions: list[QuestionSpec],
                          provider: AnswerProvider) -> None:
        """Answer the questions while a heartbeat keeps the claim.

        Once the job is cancelled or a question fails, no other question starts; those under way finish and
        are stored, so nothing is written after the run has ended.
        """
        stop = _Stop()
        run_slots = asyncio.Semaphore(self._run_concurrency)
        heartbeat = asyncio.create_task(self._keep_claim(run, stop))
        try:
            await asyncio.gather(*(self._answer(run, question, provider, run_slots, stop)
                                   for question in questions))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        if stop.failure is not None:
            raise stop.failure
        if stop.skipped:
            raise RunCancelled()

    async def _answer(self, run: RunTask, question: QuestionSpec, provider: AnswerProvider,
                      run_slots: asyncio.Semaphore, stop: "_Stop") -> None:
        try:
            async with run_slots:
                if stop.requested:
                    stop.skipped += 1
                    return
                passages = await self._search(run, question)
                async with self._slots_for(provider.name):
                    result = await provider.answer(question, passages)
            await self._store(run, question, result)
        except Exception as error:
            stop.failure = stop.failure or error

    async def _store(self, run: RunTask, question: QuestionSpec, result: ProviderAnswer) -> None:
        row = AnswerRow(question_id=question.id, question=question.text, answer=result.answer,
                        confidence=result.confidence, fragment_coverage=result.fragment_coverage,
                        citations=result.citations)
        async with self._runtime.unit_of_work() as uow:
            await repository.add_answer(uow.session, run.id, row)
            await uow.emit(self._envelope(run, AnswerRecorded(
                run_id=run.id, question_id=question.id, answered=row.answer is not None,
                confidence=row.confidence), f"answer:{question.id}"))
            await uow.commit()

    async def _heartbeat(self, run: RunTask) -> bool:
        """Renew the claim; whether the run should keep going (it was not cancelled)."""
        async with self._runtime.unit_of_work() as uow:
            keep_going = await repository.heartbeat(uow.session, run.id)
            await uow.commit()
        return keep_going

    async def _keep_claim(self, run: RunTask, stop: "_Stop") -> None:
        """Heartbeat until cancelled; a failed heartbeat is retried at the next beat (the lease has slack)."""
        while True:
            await asyncio.sleep(self._heartbeat_seconds)
            try:
                if not await self._heartbeat(run):
                    stop.cancelled = True
                    return
            except Exception:
                log.warning("heartbeat of run %s failed; retrying", run.id, exc_info=True)

    async def _search(self, run: RunTask, question: QuestionSpec):
        query = SearchQuery(query=question.text, top_k=self._top_k, document_types=question.document_types,
                            package_id=run.package_id, kind=classify_question(question.text))
        response = await self._workspace.post(f"/internal/workspaces/{run.workspace_id}/search",
                                              json=query.model_dump(mode="json"), idempotent=True,
                                              tenant_id=run.tenant_id)
        response.raise_for_status()
        return SearchResult.model_validate_json(response.content).passages

    def _slots_for(self, provider: str) -> asyncio.Semaphore:
        if provider not in self._provider_slots:
            self._provider_slots[provider] = asyncio.Semaphore(self._provider_concurrency)
        return self._provider_slots[provider]

    async def _end(self, run: RunTask, status: str, message: Message, fact: str) -> None:
        async with self._runtime.unit_of_work() as uow:
            await repository.finish_run(uow.session, run.id, status)
            await uow.emit(self._envelope(run, message, fact))
            await uow.commit()

    def _envelope(self, run: RunTask, message: Message, fact: str) -> Envelope:
        return Envelope.wrap(message, source=SOURCE, tenant_id=run.tenant_id, job_id=run.job_id,
                             correlation_id=run.correlation_id, causation_id=run.cause_id,
                             message_id=stable_id(run.id, fact))
