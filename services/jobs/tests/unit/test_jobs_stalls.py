"""A job no stage moves for too long ends failed in the stage it stopped in, through an event: the sweep finds it,
the fold ends it, its work is asked to stop, a late message cannot revive it, and a replay gives the same job."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from tenderflow_common import failures
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.messages import message_class
from tenderflow_jobs import job_metrics, projection
from tenderflow_jobs.stalls import StallSweep

from .folded_jobs import FoldedJobs

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STALL = 1800


def at(message, seconds: float, job: str = "j") -> Envelope:
    wrapped = Envelope.wrap(message, source="tests", tenant_id="t", job_id=job)
    return wrapped.model_copy(update={"time": T0 + timedelta(seconds=seconds)})


def indexed_job(job: str = "j", seconds: float = 0) -> list[Envelope]:
    """A job left in its answering stage: indexed, with no questions service to take it on."""
    return [
        at(ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x", request=JobRequest()),
           seconds, job),
        at(ingest.PackageAccepted(package_id="p", files=[]), seconds + 1, job),
        at(ingest.PackageIngested(package_id="p", request=JobRequest(), documents=[], files=[]), seconds + 2, job),
        at(workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id="p", backend="builtin",
                                      documents=1, chunks=3, request=JobRequest()), seconds + 3, job),
    ]


def fold(envelopes: list[Envelope]) -> projection.JobState:
    state = projection.new_job(envelopes[0])
    for envelope in envelopes:
        state = projection.apply(state, message_class(envelope.type).model_validate(envelope.data), envelope)
    return state


def stalled(idle_since: datetime, seconds: float, stage: str = "answering") -> Envelope:
    return at(jobs.JobStalled(stage=stage, idle_since=idle_since, stall_seconds=STALL), seconds)


def test_a_stalled_job_ends_failed_in_the_stage_it_stopped_in():
    state = fold([*indexed_job(), stalled(T0 + timedelta(seconds=3), STALL + 10)])
    view = projection.view(state, T0)
    assert (view.status, view.stage) == ("failed", "answering")
    assert view.failure.code == failures.STALLED
    assert view.failure.message == "The job made no progress for 30 minutes while answering and was stopped."
    assert view.finished_at == T0 + timedelta(seconds=STALL + 10)


def test_a_stall_older_than_the_jobs_last_message_is_ignored():
    late = at(ingest.DocumentExtracted(package_id="p", document_id="d", file="a.pdf", doc_type="pdf", pages=1,
                                       units=1, text_key="k"), 100)
    state = fold([*indexed_job(), late, stalled(T0 + timedelta(seconds=3), STALL + 10)])
    assert (state.status, state.errors) == ("running", [])


def test_a_message_after_the_stall_leaves_the_job_failed():
    late = [at(questions.RunStarted(run_id="r", workspace_id="w", model="m", questions=1), STALL + 30),
            at(questions.RunCompleted(run_id="r", questions=1, answered=1), STALL + 40),
            stalled(T0 + timedelta(seconds=40), 2 * STALL + 50)]
    state = fold([*indexed_job(), stalled(T0 + timedelta(seconds=3), STALL + 10), *late])
    assert (state.status, state.stage, state.finished_at) == ("failed", "answering", T0 + timedelta(seconds=STALL + 10))
    assert [error["code"] for error in state.errors] == [failures.STALLED]


# -- the sweep and the fold over a database, as the service runs them ------------------------------------------


@pytest.fixture
async def live(tmp_path):
    async with FoldedJobs(tmp_path / "live.db") as database:
        yield database


def sweep(database: FoldedJobs) -> StallSweep:
    return StallSweep(database.transaction, STALL)


async def test_the_sweep_stalls_a_quiet_job_and_leaves_one_with_recent_messages(live):
    await live.deliver([*indexed_job("quiet"), *indexed_job("busy", seconds=600)])
    now = T0 + timedelta(seconds=STALL + 300)
    assert await sweep(live).sweep(now) == 1
    [emitted] = await live.outbox()
    assert (emitted.type, emitted.jobid, emitted.tenantid) == (jobs.JobStalled.message_type, "quiet", "t")
    assert jobs.JobStalled.model_validate(emitted.data) == jobs.JobStalled(
        stage="answering", idle_since=T0 + timedelta(seconds=3), stall_seconds=STALL)
    assert await sweep(live).sweep(now) == 1, "the job stays open until its stall is folded"
    assert len(await live.outbox()) == 1, "a repeated sweep emits the same stall, which the outbox keeps once"


async def test_a_folded_stall_fails_the_job_asks_its_work_to_stop_and_stays_failed(live):
    await live.deliver(indexed_job())
    await sweep(live).sweep(T0 + timedelta(seconds=STALL + 300))
    [stall] = await live.outbox()
    await live.deliver([stall])
    late = at(workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id="p", backend="builtin",
                                         documents=1, chunks=9, request=JobRequest()), STALL + 400)
    await live.deliver([late])
    state = await live.job("j")
    assert (state.status, state.stage, state.errors[-1]["code"]) == ("failed", "answering", failures.STALLED)
    stop = [envelope for envelope in await live.outbox() if envelope.type == jobs.JobCancelRequested.message_type]
    assert [(envelope.jobid, envelope.data["reason"]) for envelope in stop] == [("j", "stalled")]
    assert await sweep(live).sweep(T0 + timedelta(seconds=10 * STALL)) == 0, "a failed job is never swept again"


async def test_replaying_the_topics_gives_the_job_the_live_fold_gave(live, tmp_path):
    delivered = indexed_job()
    await live.deliver(delivered)
    await sweep(live).sweep(T0 + timedelta(seconds=STALL + 300))
    [stall] = await live.outbox()
    late = at(ingest.DocumentExtracted(package_id="p", document_id="d", file="a.pdf", doc_type="pdf", pages=2,
                                       units=1, text_key="k"), STALL + 400)
    await live.deliver([stall])
    await live.deliver([late])
    async with FoldedJobs(tmp_path / "replayed.db") as replayed:
        await replayed.deliver([*delivered, stall, late])
        assert await replayed.rows() == await live.rows()
    assert (await live.job("j")).status == "failed"


def test_a_stalled_end_is_counted_by_its_stage_and_other_failures_are_not():
    def counted() -> float:
        return REGISTRY.get_sample_value("tenderflow_jobs_stalled_total", {"stage": "answering"}) or 0.0

    before = counted()
    job_metrics.observe_end(fold([*indexed_job(), stalled(T0 + timedelta(seconds=3), STALL + 10)]))
    assert counted() == before + 1
    job_metrics.observe_end(fold([*indexed_job(), at(jobs.CancelJob(), 10)]))
    assert counted() == before + 1
