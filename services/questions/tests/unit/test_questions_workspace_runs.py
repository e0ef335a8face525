"""A RunQuestions command opens a run over everything the workspace holds: its searches name no package, its
questions are the command's, and a model the installation lacks ends the job instead of starting a run."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from tenderflow_common.contracts.questions import RunQuestions
from tenderflow_common.contracts.shared import JobRequest, QuestionSpec
from tenderflow_common.contracts.workspace import Passage, SearchResult
from tenderflow_common.envelope import Envelope
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.service import ServiceRuntime
from tenderflow_questions import handlers, repository
from tenderflow_questions.main import MIGRATIONS, build_service
from tenderflow_questions.models import messaging
from tenderflow_questions.providers import Providers
from tenderflow_questions.providers.extractive import ExtractiveProvider
from tenderflow_questions.runner import Answering, run_worker
from tenderflow_questions.settings import QuestionsSettings

PASSAGE = Passage(chunk_id="doc:0", document_id="doc", file="notice.txt", doc_type="text", score=0.9,
                  text="Contact e-mail: tenders@harbour.example")
QUESTIONS = [QuestionSpec(id="email", text="What is the contact e-mail address?")]


@dataclass
class Questions:
    runtime: ServiceRuntime
    answering: Answering
    searches: list[dict]

    async def command(self, request: JobRequest) -> None:
        command = RunQuestions(workspace_id="w-harbour", request=request)
        envelope = Envelope.wrap(command, source="test", tenant_id="acme", job_id="run-job")
        async with self.runtime.transaction() as uow:
            await handlers.run_questions(command, envelope, uow,
                                         providers=self.answering.providers, wake_runner=lambda: None)

    async def event_types(self) -> list[str]:
        async with self.runtime.sessions() as session:
            payloads = (await session.execute(select(messaging.outbox.c.payload)
                                              .order_by(messaging.outbox.c.id))).scalars()
            return [json.loads(payload)["type"].split(".")[2] for payload in payloads]


@pytest.fixture
async def questions(tmp_path) -> AsyncIterator[Questions]:
    searches: list[dict] = []

    def search(request: httpx.Request) -> httpx.Response:
        searches.append(json.loads(request.content) | {"path": request.url.path})
        return httpx.Response(200, content=SearchResult(passages=[PASSAGE]).model_dump_json().encode(),
                              headers={"content-type": "application/json"})

    settings = QuestionsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}")
    runtime = build_service(settings, transport=InMemoryTransport()).runtime
    signer = InternalTokenSigner(settings.platform.signing_key, "questions")
    workspace = InternalClient("workspace", settings.workspace_url, signer, 5.0, transport=httpx.MockTransport(search))
    providers = Providers([ExtractiveProvider()], concurrency=2)
    answering = Answering(runtime.transaction, runtime.sessions, workspace, providers, run_concurrency=2, top_k=8)
    await upgrade_to_head(MIGRATIONS, runtime.database_url)
    try:
        yield Questions(runtime, answering, searches)
    finally:
        await workspace.aclose()
        await runtime.engine.dispose()


async def test_a_workspace_run_searches_the_whole_workspace_and_completes(questions):
    await questions.command(JobRequest(workspace="harbour", questions=QUESTIONS))
    assert await run_worker(questions.answering).run_next()
    assert [(s["path"], s.get("package_id")) for s in questions.searches] == [
        ("/internal/workspaces/w-harbour/search", None)]
    async with questions.runtime.sessions() as session:
        results = await repository.results_for_job(session, "run-job", "acme")
    assert [(row.question_id, row.answer) for row in results] == [("email", "tenders@harbour.example")]
    assert await questions.event_types() == ["run-started", "answer-recorded", "run-completed"]


async def test_the_same_command_twice_opens_one_run(questions):
    request = JobRequest(workspace="harbour", questions=QUESTIONS)
    await questions.command(request)
    await questions.command(request)
    assert await questions.event_types() == ["run-started"]


async def test_a_model_not_offered_ends_the_job_without_a_run(questions):
    await questions.command(JobRequest(workspace="harbour", questions=QUESTIONS, model="openai:gpt-4o-mini"))
    assert await questions.event_types() == ["run-failed"]
    async with questions.runtime.sessions() as session:
        assert not await repository.run_exists(session, "run-job")
