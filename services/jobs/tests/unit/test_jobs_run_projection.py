"""A job of kind `run` has only the answering stage: queued, then answering, then done, its progress counted from
its questions alone, and it succeeds on its last answer whatever order the two questions topics are read in."""

import itertools
from datetime import UTC, datetime, timedelta

from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.shared import JobRequest, QuestionSpec
from tenderflow_common.envelope import Envelope
from tenderflow_jobs import projection

T0 = datetime(2026, 1, 1, tzinfo=UTC)
REQUEST = JobRequest(workspace="harbour", model="extractive:default",
                     questions=[QuestionSpec(id="q1", text="Who buys?"), QuestionSpec(id="q2", text="When?")])


def at(message, seconds: int) -> Envelope:
    wrapped = Envelope.wrap(message, source="test", tenant_id="t", job_id="run-1")
    return wrapped.model_copy(update={"time": T0 + timedelta(seconds=seconds)})


def run_messages():
    return [
        questions.RunQuestions(workspace_id="w-harbour", request=REQUEST),
        questions.RunStarted(run_id="r", workspace_id="w-harbour", model="extractive:default", questions=2),
        questions.AnswerRecorded(run_id="r", question_id="q1", answered=True, confidence=0.9),
        questions.AnswerRecorded(run_id="r", question_id="q2", answered=True, confidence=0.7),
        questions.RunCompleted(run_id="r", questions=2, answered=2),
    ]


def fold(messages, times=None) -> list[projection.JobState]:
    envelopes = [at(m, s) for m, s in zip(messages, times or range(len(messages)), strict=True)]
    state = projection.new_job(envelopes[0])
    states = []
    for message, envelope in zip(messages, envelopes, strict=True):
        state = projection.apply(state, message, envelope)
        states.append(state)
    return states


def test_a_run_goes_queued_answering_done_with_progress_from_its_questions():
    states = fold(run_messages())
    assert [(s.status, s.stage) for s in states] == [
        ("queued", "queued"), ("running", "answering"), ("running", "answering"), ("running", "answering"),
        ("succeeded", "done")]
    assert [projection.percent_done(s) for s in states] == [0.0, 0.0, 50.0, 100.0, 100.0]
    view = projection.view(states[-1], T0)
    assert (view.kind, view.workspace, view.workspace_id, view.model) == (
        "run", "harbour", "w-harbour", "extractive:default")


def test_a_run_succeeds_whatever_order_the_command_and_its_events_are_folded_in():
    messages = run_messages()
    for order in itertools.permutations(range(len(messages))):
        final = fold([messages[i] for i in order], times=list(order))[-1]
        assert (final.status, final.stage, final.kind) == ("succeeded", "done", "run"), order
        assert final.created_at == T0


def test_an_upload_still_waits_for_its_package_and_index():
    state = fold(run_messages()[1:])[-1]
    assert (state.kind, state.status) == ("upload", "running")


def test_a_cancelled_run_stays_cancelled_when_its_answers_complete_later():
    messages = run_messages()
    final = fold([*messages[:3], jobs.CancelJob(), *messages[3:]])[-1]
    assert (final.kind, final.status) == ("run", "cancelled")


def test_an_upload_naming_its_workspace_by_id_shows_its_name_once_indexed():
    request = JobRequest(workspace="w-harbour")
    state = fold([ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x", request=request),
                  workspace.DocumentsIndexed(workspace_id="w-harbour", workspace="harbour", package_id="p",
                                             backend="builtin", documents=1, chunks=3, request=request)])[-1]
    assert (state.workspace, state.workspace_id) == ("harbour", "w-harbour")
