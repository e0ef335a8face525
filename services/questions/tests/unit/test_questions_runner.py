"""The run runner on a migrated SQLite database, with a fake provider and an in-process workspace search."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import httpx
import pytest
from sqlalchemy import select

from tenderflow_common import failures
from tenderflow_common.contracts.questions import AnswerRow, Citation
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage, SearchResult
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.work import LeasedWorker
from tenderflow_questions import repository
from tenderflow_questions.comparison import compare
from tenderflow_questions.main import MIGRATIONS, build_service
from tenderflow_questions.models import answers, messaging, runs
from tenderflow_questions.providers import AnswerRequest, ProviderAnswer, Providers, Usage
from tenderflow_questions.runner import BATCH_PER_SLOT, Answering, TenantSlots, run_worker
from tenderflow_questions.settings import QuestionsSettings

PASSAGE = Passage(chunk_id="doc:0", document_id="doc", file="notice.xml", doc_type="xml", score=0.8,
                  text="PROCEDURE/DATE_RECEIPT_TENDERS: 2026-03-15", path="TED_EXPORT/FORM_SECTION")


@dataclass
class FakeProvider:
    """Answers after `delay` seconds, counting calls and how many were in flight at once."""

    delay: float = 0.0
    on_call: Callable[[int], Awaitable[None]] | None = None
    name: str = "fake"
    calls: list[str] = field(default_factory=list)
    requests: list[AnswerRequest] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        question, passages = request.question, request.passages
        self.calls.append(question.id)
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.on_call is not None:
                await self.on_call(len(self.calls))
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        return ProviderAnswer(answer=f"answer to {question.id}",
                              citations=[Citation(file=passages[0].file, path=passages[0].path, snippet="x")],
                              confidence=0.7, fragment_coverage=None, path="llm", usage=Usage(20, 10))


@dataclass
class Harness:
    runtime: ServiceRuntime
    answering: Answering
    searches: list[dict]
    provider: FakeProvider

    def runner(self, run_concurrency: int = 4, heartbeat_seconds: float = 1.0,
               tenant_concurrency: int = 8, slice_seconds: float = 30.0) -> LeasedWorker:
        return run_worker(replace(self.answering, run_concurrency=run_concurrency, slice_seconds=slice_seconds,
                                  tenant_slots=TenantSlots(tenant_concurrency)), heartbeat_seconds=heartbeat_seconds)

    async def add_run(self, questions: int, run_id: str = "run-1", tenant_id: str = "acme",
                      **parameters) -> repository.RunTask:
        task = repository.RunTask(
            id=run_id, job_id=f"job-{run_id}", tenant_id=tenant_id, correlation_id="corr", causation_id="cause",
            workspace_id="ws", package_id="pkg", model="fake:test",
            questions=[QuestionSpec(id=f"q{n:02d}", text=f"What is fact {n}?", document_types=["xml"])
                       for n in range(questions)],
            **parameters,
        )
        async with self.runtime.transaction() as uow:
            await repository.add_run(uow.session, task)
        return task

    async def claim_and_process(self, runner: LeasedWorker) -> None:
        assert await runner.run_next()

    async def results(self, task: repository.RunTask):
        async with self.runtime.sessions() as session:
            return await repository.results_for_job(session, task.job_id, task.tenant_id)

    async def run_row(self, run_id: str = "run-1"):
        async with self.runtime.sessions() as session:
            return (await session.execute(select(runs).where(runs.c.id == run_id))).one()

    async def answered(self, run_id: str = "run-1") -> list[str]:
        async with self.runtime.sessions() as session:
            rows = await session.execute(select(answers.c.question_id).where(answers.c.run_id == run_id))
            return sorted(rows.scalars())

    async def events(self) -> list[dict]:
        async with self.runtime.sessions() as session:
            payloads = (await session.execute(select(messaging.outbox.c.payload)
                                              .order_by(messaging.outbox.c.id))).scalars()
            return [json.loads(payload) for payload in payloads]

    async def request_cancel(self, run_id: str = "run-1") -> None:
        async with self.runtime.transaction() as uow:
            await repository.request_cancel(uow.session, f"job-{run_id}")


@pytest.fixture
async def harness(tmp_path) -> AsyncIterator[Harness]:
    searches: list[dict] = []

    def search(request: httpx.Request) -> httpx.Response:
        searches.append(json.loads(request.content))
        return httpx.Response(200, content=SearchResult(passages=[PASSAGE]).model_dump_json().encode(),
                              headers={"content-type": "application/json"})

    settings = QuestionsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}")
    provider = FakeProvider()
    runtime = build_service(settings, transport=InMemoryTransport()).runtime
    signer = InternalTokenSigner(settings.platform.signing_key, "questions")
    workspace = InternalClient("workspace", settings.workspace_url, signer, 5.0, transport=httpx.MockTransport(search))
    answering = Answering(runtime.transaction, runtime.sessions, workspace, Providers([provider], concurrency=8),
                          run_concurrency=4, top_k=8)
    await upgrade_to_head(MIGRATIONS, runtime.database_url)
    try:
        yield Harness(runtime, answering, searches, provider)
    finally:
        await answering.workspace.aclose()
        await runtime.engine.dispose()


def _types(events: list[dict]) -> list[str]:
    return [event["type"].split(".")[2] for event in events]


async def test_a_run_answers_every_question_once_then_completes(harness: Harness) -> None:
    await harness.add_run(questions=10)

    await harness.claim_and_process(harness.runner())

    assert (await harness.run_row()).status == "completed"
    assert await harness.answered() == [f"q{n:02d}" for n in range(10)]
    assert sorted(harness.provider.calls) == [f"q{n:02d}" for n in range(10)]
    types = _types(await harness.events())
    assert types.count("answer-recorded") == 10 and types[-1] == "run-completed"
    assert len(harness.searches) == 10
    assert all({**search, "query": ""} == {"query": "", "top_k": 8, "document_types": ["xml"],
                                           "package_id": "pkg", "kind": "text"} for search in harness.searches)


async def test_no_more_questions_are_answered_at_once_than_the_run_concurrency(harness: Harness) -> None:
    harness.provider.delay = 0.05
    await harness.add_run(questions=12)

    await harness.claim_and_process(harness.runner(run_concurrency=3))

    assert harness.provider.most_in_flight == 3
    assert len(await harness.answered()) == 12


async def test_a_run_cancelled_before_it_starts_answers_nothing(harness: Harness) -> None:
    await harness.add_run(questions=5)
    await harness.request_cancel()

    await harness.claim_and_process(harness.runner())

    assert (await harness.run_row()).status == "cancelled"
    assert harness.provider.calls == [] and await harness.answered() == []
    events = await harness.events()
    assert _types(events) == ["run-failed"] and events[0]["data"]["cancelled"] is True


async def test_a_job_stopped_before_its_run_opens_gets_a_run_that_ends_cancelled_unasked(harness: Harness) -> None:
    await harness.request_cancel()
    await harness.request_cancel()
    await harness.add_run(questions=5)

    await harness.claim_and_process(harness.runner())

    assert (await harness.run_row()).status == "cancelled"
    assert harness.provider.calls == [] and await harness.answered() == []


async def test_a_run_cancelled_midway_stops_between_questions_and_writes_nothing_after(
    harness: Harness,
) -> None:
    async def cancel_on_second_call(call: int) -> None:
        if call == 2:
            await harness.request_cancel()

    harness.provider.delay = 0.05
    harness.provider.on_call = cancel_on_second_call
    await harness.add_run(questions=40)

    await harness.claim_and_process(harness.runner(run_concurrency=2, heartbeat_seconds=0.02))
    answered_when_ended = await harness.answered()
    await asyncio.sleep(0.2)

    assert (await harness.run_row()).status == "cancelled"
    assert len(harness.provider.calls) < 40
    assert await harness.answered() == answered_when_ended
    assert _types(await harness.events())[-1] == "run-failed"


async def test_the_claim_is_renewed_while_a_slow_answer_is_awaited(harness: Harness) -> None:
    claims: list[datetime] = []

    async def note_claim(_call: int) -> None:
        claims.append((await harness.run_row()).claimed_at)
        await asyncio.sleep(0.3)
        claims.append((await harness.run_row()).claimed_at)

    harness.provider.on_call = note_claim
    await harness.add_run(questions=1)

    await harness.claim_and_process(harness.runner(heartbeat_seconds=0.05))

    assert claims[1] > claims[0]
    assert (await harness.run_row()).status == "completed"


async def test_a_resumed_run_answers_only_the_questions_left(harness: Harness) -> None:
    task = await harness.add_run(questions=6)
    async with harness.runtime.transaction() as uow:
        for question in task.questions[:4]:
            await repository.add_answer(uow.session, task.id, AnswerRow(
                question_id=question.id, question=question.text, model=task.model, answer="earlier", confidence=0.5,
                fragment_coverage=None, citations=[]))

    await harness.claim_and_process(harness.runner())

    assert sorted(harness.provider.calls) == ["q04", "q05"]
    assert (await harness.run_row()).status == "completed"


async def test_a_question_that_fails_fails_the_run(harness: Harness) -> None:
    async def fail_on_third_call(call: int) -> None:
        if call == 3:
            raise RuntimeError("model unavailable")

    harness.provider.on_call = fail_on_third_call
    await harness.add_run(questions=8)

    await harness.claim_and_process(harness.runner(run_concurrency=1))

    row = await harness.run_row()
    events = await harness.events()
    assert row.status == "failed"
    assert _types(events)[-1] == "run-failed" and events[-1]["data"]["code"] == failures.ANSWERING_FAILED
    assert events[-1]["data"]["reason"] == failures.MESSAGES[failures.ANSWERING_FAILED]  # the error is only logged
    assert len(harness.provider.calls) == 3  # nothing started after the failure
    assert len(await harness.answered()) == 2  # the answers before it are kept


async def test_a_cancellation_aborts_the_calls_in_flight(harness: Harness) -> None:
    async def cancel_once_all_are_asked(call: int) -> None:
        if call == 3:
            await harness.request_cancel()

    harness.provider.delay = 30
    harness.provider.on_call = cancel_once_all_are_asked
    await harness.add_run(questions=3)
    started = asyncio.get_running_loop().time()
    await harness.claim_and_process(harness.runner(heartbeat_seconds=0.02))

    assert asyncio.get_running_loop().time() - started < 10  # not the 30 s the calls would have taken
    assert (await harness.run_row()).status == "cancelled" and await harness.answered() == []
    assert harness.provider.in_flight == 0


async def test_a_job_past_its_token_budget_stops_asking_and_says_so(harness: Harness) -> None:
    task = await harness.add_run(questions=6, token_budget=50)  # each fake answer costs 30 tokens
    await harness.claim_and_process(harness.runner(run_concurrency=1))

    assert harness.provider.calls == ["q00", "q01"]
    rows = {row.question_id: row for row in await harness.results(task)}
    assert all(rows[f"q0{n}"].error == "token_budget_exhausted" and rows[f"q0{n}"].answer is None
               for n in range(2, 6))
    assert (await harness.run_row()).status == "completed"


async def test_the_request_sets_temperature_and_completion_tokens(harness: Harness) -> None:
    await harness.add_run(questions=1, temperature=0.7, max_tokens=100)
    await harness.claim_and_process(harness.runner())
    [request] = harness.provider.requests
    assert (request.temperature, request.max_tokens) == (0.7, 100)


async def test_several_models_answer_every_question_and_are_compared(harness: Harness) -> None:
    task = await harness.add_run(questions=3, compare_with=["fake:other"])
    await harness.claim_and_process(harness.runner())

    rows = await harness.results(task)
    assert [(row.question_id, row.model) for row in rows] == [
        (f"q0{n}", model) for n in range(3) for model in ("fake:test", "fake:other")]
    assert sorted(request.model for request in harness.provider.requests) == ["other"] * 3 + ["test"] * 3
    comparisons = compare(rows)
    assert [c.question_id for c in comparisons] == ["q00", "q01", "q02"] and all(c.agree for c in comparisons)
    events = await harness.events()
    assert sum(1 for event in events if event["type"].endswith("answer-recorded.v1")) == 6
    assert len({event["id"] for event in events}) == len(events)


async def test_no_tenant_has_more_provider_calls_in_flight_than_its_cap(harness: Harness) -> None:
    harness.provider.delay = 0.05
    await harness.add_run(questions=8)
    await harness.claim_and_process(harness.runner(run_concurrency=6, tenant_concurrency=2))
    assert harness.provider.most_in_flight == 2 and len(await harness.answered()) == 8


async def test_a_run_interrupted_by_a_server_away_is_resumed_after_its_lease_not_failed(harness: Harness) -> None:
    async def connection_lost_on_third_call(call: int) -> None:
        if call == 3:
            raise ConnectionError("connection reset")

    harness.provider.on_call = connection_lost_on_third_call
    await harness.add_run(questions=5)
    runner = harness.runner(run_concurrency=1)

    with pytest.raises(ConnectionError):
        await runner.run_next()
    assert (await harness.run_row()).status == "running"
    assert "run-failed" not in _types(await harness.events())
    assert not await runner.run_next(), "the lease still holds the run"

    async with harness.runtime.transaction() as uow:  # the lease runs out
        await uow.session.execute(runs.update().values(claimed_at=datetime(2000, 1, 1)))
    await harness.claim_and_process(runner)

    assert (await harness.run_row()).status == "completed"
    assert await harness.answered() == [f"q{n:02d}" for n in range(5)]
    assert harness.provider.calls == ["q00", "q01", "q02", "q02", "q03", "q04"]
    recorded = [event["id"] for event in await harness.events() if event["type"].endswith("answer-recorded.v1")]
    assert len(recorded) == len(set(recorded)) == 5


async def test_a_long_run_lets_another_tenant_s_run_go_between_its_batches(harness: Harness) -> None:
    await harness.add_run(questions=40, run_id="long")
    await harness.add_run(questions=2, run_id="short", tenant_id="beta")
    runner = harness.runner(run_concurrency=2, slice_seconds=0.001)

    await harness.claim_and_process(runner)
    assert (await harness.run_row("long")).status == "pending"
    assert len(await harness.answered("long")) == 2 * BATCH_PER_SLOT, "one batch, then the turn went to beta"
    await harness.claim_and_process(runner)
    assert (await harness.run_row("short")).status == "completed"
    assert (await harness.run_row("long")).status == "pending"

    await harness.claim_and_process(runner)
    assert (await harness.run_row("long")).status == "completed"
    assert len(await harness.answered("long")) == 40
    expected = [f"q{n:02d}" for n in range(40)] + ["q00", "q01"]  # beta's run asks its own q00 and q01
    assert sorted(harness.provider.calls) == sorted(expected), "no question asked twice"


async def test_a_run_alone_keeps_its_turn_past_its_slices(harness: Harness) -> None:
    await harness.add_run(questions=20)

    await harness.claim_and_process(harness.runner(run_concurrency=2, slice_seconds=0.001))

    assert (await harness.run_row()).status == "completed"
    assert (await harness.run_row()).claims == 1
