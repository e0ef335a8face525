"""A deleted workspace's runs and answers leave the questions database, as a purged job's run and answers do;
another workspace's, job's or tenant's stay; a run asked for before the deletion and delivered after it is not
opened."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from tenderflow_common import failures
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.workspace import DocumentsIndexed, WorkspaceDeleted
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.unit_of_work import transactions
from tenderflow_questions import handlers
from tenderflow_questions.job_purge import job_purged
from tenderflow_questions.main import MIGRATIONS
from tenderflow_questions.models import answers, messaging, runs
from tenderflow_questions.providers import Providers
from tenderflow_questions.providers.extractive import ExtractiveProvider
from tenderflow_questions.workspace_deletion import workspace_deleted


@pytest.fixture
async def database(tmp_path):
    """The questions tables at the newest schema on SQLite: (sessions, transaction)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    try:
        yield session_factory(engine), transactions(session_factory(engine), messaging)
    finally:
        await engine.dispose()


def run(run_id: str, tenant: str, workspace_id: str) -> dict:
    return {"id": run_id, "job_id": f"job-{run_id}", "tenant_id": tenant, "correlation_id": "c", "cause_id": "m",
            "workspace_id": workspace_id, "package_id": "p", "model": "extractive:default", "questions": [],
            "status": "completed", "cancel_requested": False}


def answer(run_id: str) -> dict:
    return {"run_id": run_id, "question_id": "buyer", "model": "extractive:default", "question": "Who buys?",
            "answer": "Port of Oslo", "confidence": 0.9, "citations": []}


async def runs_and_answers_left(sessions) -> tuple[set[str], set[str]]:
    async with sessions() as session:
        return (set((await session.execute(select(runs.c.id))).scalars()),
                set((await session.execute(select(answers.c.run_id))).scalars()))


async def test_the_workspace_runs_and_answers_go_and_a_second_delivery_changes_nothing(database):
    sessions, transaction = database
    async with sessions() as session, session.begin():
        await session.execute(insert(runs), [run("upload", "acme", "ws-1"), run("rerun", "acme", "ws-1"),
                                             run("kept", "acme", "ws-2"), run("theirs", "globex", "ws-1")])
        await session.execute(insert(answers), [answer(r) for r in ("upload", "rerun", "kept", "theirs")])
    event = WorkspaceDeleted(workspace_id="ws-1", name="harbour")

    for _ in range(2):
        async with transaction() as uow:
            await workspace_deleted(event, Envelope.wrap(event, source="test", tenant_id="acme", job_id="ws-1"), uow)
        assert await runs_and_answers_left(sessions) == ({"kept", "theirs"}, {"kept", "theirs"})


async def test_a_purged_jobs_run_and_answers_go_and_a_second_delivery_changes_nothing(database):
    sessions, transaction = database
    async with sessions() as session, session.begin():
        await session.execute(insert(runs), [run("purged", "acme", "ws-1"), run("kept", "acme", "ws-1")])
        await session.execute(insert(answers), [answer(r) for r in ("purged", "kept")])
    event = JobPurged(reason="deleted")

    for _ in range(2):
        async with transaction() as uow:
            await job_purged(event, Envelope.wrap(event, source="test", tenant_id="acme", job_id="job-purged"), uow)
            # Another tenant naming acme's other job finds nothing of it.
            await job_purged(event, Envelope.wrap(event, source="test", tenant_id="globex", job_id="job-kept"), uow)
        assert await runs_and_answers_left(sessions) == ({"kept"}, {"kept"})


def indexed(job_id: str, tenant: str = "acme") -> Envelope:
    event = DocumentsIndexed(workspace_id="ws-1", workspace="harbour", package_id=f"p-{job_id}", backend="builtin",
                             documents=1, chunks=1, request=JobRequest(workspace="harbour"))
    return Envelope.wrap(event, source="test", tenant_id=tenant, job_id=job_id)


async def test_a_run_asked_for_before_the_deletion_is_refused_and_one_after_it_opens(database):
    sessions, transaction = database
    providers = Providers([ExtractiveProvider()], concurrency=1)

    async def deliver(envelope: Envelope) -> None:
        async with transaction() as uow:
            await handlers.start_run(DocumentsIndexed.model_validate(envelope.data), envelope, uow,
                                     providers=providers, wake_runner=lambda: None)

    async def delete_workspace(at: Envelope) -> None:
        async with transaction() as uow:
            await workspace_deleted(deletion, at, uow)

    late, other_tenant = indexed("late"), indexed("theirs", tenant="globex")
    deletion = WorkspaceDeleted(workspace_id="ws-1", name="harbour")
    deleted = Envelope.wrap(deletion, source="test", tenant_id="acme", job_id="ws-1")
    await delete_workspace(deleted)
    # An older deletion delivered again does not move the time back.
    await delete_workspace(deleted.model_copy(update={"time": deleted.time - timedelta(hours=1)}))
    await deliver(late)
    await deliver(other_tenant)
    recreated = indexed("recreated")
    await deliver(recreated.model_copy(update={"time": deleted.time + timedelta(seconds=1)}))

    async with sessions() as session:
        assert set((await session.execute(select(runs.c.job_id))).scalars()) == {"theirs", "recreated"}
        payloads = [json.loads(p) for p in (await session.execute(select(messaging.outbox.c.payload))).scalars()]
    [refused] = [p for p in payloads if p["type"].endswith("run-failed.v1")]
    assert refused["jobid"] == "late" and refused["data"]["code"] == failures.RUN_REFUSED
    assert refused["data"]["reason"] == handlers.WORKSPACE_DELETED
