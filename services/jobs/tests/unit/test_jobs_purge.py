"""Purging a job: a delete or the retention sweep emits `JobPurged` once, the fold leaves only the job's id, tenant,
kind and times with the status `purged`, nothing arriving late brings the rest back, and history no longer lists
it."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tenderflow_common.contracts import ingest, jobs, workspace
from tenderflow_common.contracts.shared import FileVerdict, JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_jobs import history, projection
from tenderflow_jobs.models import jobs as jobs_table
from tenderflow_jobs.retention import RetentionSweep

from .folded_jobs import FoldedJobs

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(message, seconds: float, job: str = "j", tenant: str = "t") -> Envelope:
    wrapped = Envelope.wrap(message, source="tests", tenant_id=tenant, job_id=job)
    return wrapped.model_copy(update={"time": T0 + timedelta(seconds=seconds)})


def finished_job(job: str = "j", tenant: str = "t", days: float = 0) -> list[Envelope]:
    """An upload whose package was refused: a finished job with a name, files and an error to forget."""
    start = days * 86400
    verdict = FileVerdict(name="a.exe", accepted=False, reason="not a document")
    return [at(ingest.IngestPackage(package_key="k", filename="secret-tender.zip", size=1, sha256="x",
                                    request=JobRequest(workspace="harbour")), start, job, tenant),
            at(ingest.PackageRejected(package_id="p", code="no_usable_documents", reason="nothing usable",
                                      files=[verdict]), start + 1, job, tenant)]


@pytest.fixture
async def database(tmp_path):
    async with FoldedJobs(tmp_path / "jobs.db") as folded:
        yield folded


async def test_a_deleted_job_is_purged_once_and_keeps_only_its_id_and_times(database):
    await database.deliver(finished_job())
    before = await database.job("j")
    assert before.filename == "secret-tender.zip" and before.files and before.errors

    purge = at(jobs.PurgeJob(), 100)
    await database.deliver([purge])
    await database.deliver([purge.model_copy(update={"id": "another-delivery"})])  # the client deleted twice

    [purged] = await database.outbox(jobs.JobPurged.message_type)
    assert (purged.jobid, purged.tenantid, purged.data["reason"]) == ("j", "t", "deleted")
    state = await database.job("j")
    assert (state.job_id, state.tenant_id, state.kind, state.status) == ("j", "t", "upload", "purged")
    assert (state.created_at, state.finished_at) == (before.created_at, before.finished_at)
    assert (state.filename, state.workspace, state.files, state.errors, state.files_total) == (None, None, [], [], 0)
    assert state.version > before.version, "the gateway's stored view is replaced by the purged one"
    assert projection.view(state, T0).status == "purged"


async def test_nothing_arriving_after_the_purge_brings_the_job_back(database):
    await database.deliver([*finished_job(), at(jobs.PurgeJob(), 100)])
    purged = await database.job("j")
    late = at(workspace.DocumentsIndexed(workspace_id="w", workspace="harbour", package_id="p", backend="builtin",
                                         documents=1, chunks=3, request=JobRequest()), 200)
    [event] = await database.outbox(jobs.JobPurged.message_type)
    await database.deliver([late, event])
    after = await database.job("j")
    assert dataclasses.replace(after, seen=purged.seen) == purged
    assert {late.id, event.id} <= after.seen, "only their ids are kept, so a repeat of them is dropped at once"


async def test_history_leaves_purged_jobs_out(database):
    await database.deliver([*finished_job("kept"), *finished_job("gone"), at(jobs.PurgeJob(), 100, "gone")])
    async with database.sessions() as session:
        found = await history.page(session, "t", history.JobFilters(), limit=10, after=None)
    assert ([job.job_id for job in found.jobs], found.total) == (["kept"], 1)


async def test_the_sweep_purges_finished_jobs_past_their_tenants_retention(database):
    await database.deliver([*finished_job("old"), *finished_job("young", days=80),
                            *finished_job("kept-forever", tenant="archive"),
                            *finished_job("short", tenant="brief", days=80),
                            at(ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x",
                                                    request=JobRequest()), 0, "still-running")])
    sweep = RetentionSweep(database.transaction, retention_days=90,
                           tenant_retention_days={"archive": 0, "brief": 10})
    now = T0 + timedelta(days=95)

    assert await sweep.sweep(now) == 2
    assert await sweep.sweep(now) == 2, "the jobs stay finished until their purge is folded"
    emitted = await database.outbox(jobs.JobPurged.message_type)
    assert sorted((envelope.jobid, envelope.data["reason"]) for envelope in emitted) == [
        ("old", "expired"), ("short", "expired")], "a repeated sweep emits the same events, kept once"

    await database.deliver(emitted)
    assert [(await database.job(job)).status for job in ("old", "short", "young", "kept-forever", "still-running")] \
        == ["purged", "purged", "failed", "failed", "queued"]
    assert await sweep.sweep(now) == 0


async def test_a_purged_jobs_last_row_goes_once_no_message_about_it_can_come_again(database):
    await database.deliver([*finished_job(), at(jobs.PurgeJob(), 100)])
    sweep = RetentionSweep(database.transaction, retention_days=0, forget_purged_after=timedelta(days=14))
    await sweep.sweep(T0 + timedelta(days=13))
    assert (await database.job("j")).status == "purged"
    await sweep.sweep(T0 + timedelta(days=15))
    assert await database.job("j") is None
    async with database.sessions() as session:
        assert (await session.execute(select(jobs_table))).all() == []
