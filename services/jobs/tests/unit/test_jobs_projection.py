"""The projection folds messages into the same job whatever the delivery order across topics."""

import itertools
from datetime import UTC, datetime, timedelta

from tenderflow_common import failures
from tenderflow_common.contracts import ingest, jobs, questions, workspace
from tenderflow_common.contracts.shared import FileVerdict, JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_jobs import projection

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CORRELATION = "upload-of-job-j"


def envelope_for(message, seconds: int) -> Envelope:
    wrapped = Envelope.wrap(message, source="test", tenant_id="t", job_id="j", correlation_id=CORRELATION)
    return wrapped.model_copy(update={"time": T0 + timedelta(seconds=seconds)})


def happy_path():
    verdicts = [FileVerdict(name="a.xml", accepted=True, doc_type="xml"),
                FileVerdict(name="b.exe", accepted=False, code="unsupported_type", reason="not a document")]
    return [
        ingest.IngestPackage(package_key="tenants/t/uploads/j.zip", filename="p.zip", size=1, sha256="x",
                             request=JobRequest()),
        ingest.PackageAccepted(package_id="p", files=verdicts),
        ingest.DocumentExtracted(package_id="p", document_id="d", file="a.xml", doc_type="xml", pages=3, units=4,
                                 text_key="k"),
        ingest.PackageIngested(package_id="p", request=JobRequest(), documents=[], files=verdicts),
        workspace.DocumentsIndexed(workspace_id="w", workspace="default", package_id="p", backend="builtin",
                                   documents=1, chunks=7, request=JobRequest()),
        questions.RunStarted(run_id="r", workspace_id="w", model="extractive:default", questions=2),
        questions.AnswerRecorded(run_id="r", question_id="q1", answered=True, confidence=0.8),
        questions.AnswerRecorded(run_id="r", question_id="q2", answered=False, confidence=0.0),
        questions.RunCompleted(run_id="r", questions=2, answered=1),
    ]


def fold(messages) -> projection.JobState:
    envelopes = [envelope_for(m, i) for i, m in enumerate(messages)]
    state = projection.new_job(envelopes[0])
    for message, envelope in zip(messages, envelopes, strict=True):
        state = projection.apply(state, message, envelope)
    return state


def test_happy_path_ends_succeeded_with_counts():
    state = fold(happy_path())
    assert (state.status, state.stage) == ("succeeded", "done")
    assert (state.files_total, state.files_accepted, state.files_rejected) == (2, 1, 1)
    assert (state.pages, state.chunks, state.questions_answered) == (3, 7, 2)
    assert projection.percent_done(state) == 100.0


def test_progress_grows_monotonically():
    messages = happy_path()
    percents = [projection.percent_done(fold(messages[: n + 1])) for n in range(len(messages))]
    assert percents == sorted(percents)
    assert 0 < percents[3] < percents[-3] < percents[-2] <= percents[-1] == 100


def test_stage_never_moves_back_when_topics_interleave():
    messages = happy_path()
    reordered = [messages[0], messages[4], messages[1], messages[3], *messages[5:]]
    state = fold(reordered)
    assert state.status == "succeeded"
    assert state.stage == "done"


def test_terminal_status_is_sticky():
    messages = happy_path()[:5] + [jobs.CancelJob(), questions.RunCompleted(run_id="r", questions=2, answered=2)]
    state = fold(messages)
    assert state.status == "cancelled"
    assert state.cancel_requested


def test_rejected_package_fails_with_reason():
    messages = [happy_path()[0], ingest.PackageRejected(package_id="p", code="not_a_zip", reason="not a ZIP")]
    view = projection.view(fold(messages), T0)
    assert view.status == "failed"
    assert (view.failure.code, view.failure.message, view.errors) == ("package_rejected", "not a ZIP", ["not a ZIP"])


SQL_ERROR = ("(sqlalchemy.dialects.postgresql.asyncpg.UniqueViolationError) duplicate key value violates unique "
             "constraint \"pk_outbox\" [SQL: INSERT INTO outbox (id, topic) VALUES ($1::VARCHAR, $2::VARCHAR)] "
             "(postgres.internal:5432)")


def test_an_unexpected_error_shows_its_code_and_our_words_never_its_text():
    for stage_failed, code in ((ingest.PackageFailed(package_id="p", reason=SQL_ERROR), "extraction_failed"),
                               (questions.RunFailed(run_id="r", reason=SQL_ERROR), "answering_failed")):
        messages = [*happy_path()[:5], stage_failed]
        view = projection.view(fold(messages), T0)
        assert (view.status, view.failure.code) == ("failed", code)
        assert view.failure.message == failures.MESSAGES[code] == view.errors[0]
        assert view.failure.correlation_id == CORRELATION
        shown = view.model_dump_json()
        assert not any(part in shown for part in ("SQL", "INSERT", "asyncpg", "postgres.internal", "outbox"))


def test_a_run_refused_on_purpose_shows_its_reason():
    refused = questions.RunFailed(run_id="r", reason="Question set 'missing' is not defined", code="run_refused")
    view = projection.view(fold([*happy_path()[:5], refused]), T0)
    assert (view.failure.code, view.errors) == ("run_refused", ["Question set 'missing' is not defined"])


def test_a_cancelled_stage_says_so():
    stopped = ingest.PackageFailed(package_id="p", reason="cancelled", cancelled=True)
    view = projection.view(fold([happy_path()[0], stopped]), T0)
    assert (view.status, view.failure.code) == ("cancelled", "cancelled")


def test_errors_stored_before_codes_are_never_shown():
    state = projection.JobState(job_id="j", tenant_id="t", created_at=T0, updated_at=T0, status="failed",
                                errors=[SQL_ERROR])
    view = projection.view(state, T0)
    assert view.failure.code == "internal_error"
    assert "SQL" not in view.model_dump_json()


def test_eta_is_positive_while_running_and_absent_at_the_end():
    messages = happy_path()
    running = fold(messages[:6])
    assert projection.eta_seconds(running, T0 + timedelta(seconds=10)) > 0
    assert projection.eta_seconds(fold(messages), T0 + timedelta(seconds=10)) is None


def test_replay_in_any_order_of_answers_gives_the_same_state():
    messages = happy_path()
    answers = messages[6:8]
    states = {fold(messages[:6] + list(order) + messages[8:]).questions_answered
              for order in itertools.permutations(answers)}
    assert states == {2}


def test_a_job_waits_for_its_final_verdicts_when_the_run_is_folded_first():
    messages = happy_path()
    ingested, completed = messages[3], messages[-1]
    before = fold([*messages[:3], *messages[4:]])
    assert before.status == "running"
    assert before.files_total == 2
    after = fold([*messages[:3], *messages[4:], ingested])
    assert (after.status, after.stage) == ("succeeded", "done")
    in_order = fold(messages)
    assert after.finished_at == in_order.finished_at
    assert completed.questions == after.questions_answered


def test_a_job_waits_for_its_index_counts_too():
    messages = happy_path()
    indexed = messages[4]
    without_index = fold([*messages[:4], *messages[5:]])
    assert without_index.status == "running" and without_index.chunks == 0
    with_index = fold([*messages[:4], *messages[5:], indexed])
    assert with_index.status == "succeeded" and with_index.chunks == 7


def test_a_draft_changes_neither_the_state_it_was_copied_from_nor_a_frozen_copy():
    messages = happy_path()[:3]
    stored = fold(messages)
    job = projection.Draft(stored)
    frozen = job.freeze()
    cancel = jobs.CancelJob(reason="not needed")
    projection.fold(job, cancel, envelope_for(cancel, 10))
    assert (job.status, len(job.errors), job.version) == ("cancelled", 1, stored.version + 1)
    # The repository writes a job's lists only when they differ from what it read: they must be new lists.
    assert (stored.status, stored.errors, stored.version) == ("running", [], 3)
    assert frozen == stored and frozen.errors is stored.errors
    assert len(job.seen) == 4 and stored.seen == frozen.seen and len(stored.seen) == 3


def test_a_message_delivered_again_is_folded_once_wherever_it_comes_again():
    messages = happy_path()
    envelopes = [envelope_for(m, i) for i, m in enumerate(messages)]
    job = projection.Draft(projection.new_job(envelopes[0]))
    again = [(messages[2], envelopes[2]), (messages[6], envelopes[6])]  # an extracted document and an answer
    for message, envelope in [*again, *zip(messages, envelopes, strict=True), *again]:
        projection.fold(job, message, envelope)
    state = job.freeze()
    assert (state.documents_extracted, state.pages, state.questions_answered) == (1, 3, 2)
    assert state.version == len(messages) and state.seen == {envelope.id for envelope in envelopes}
    once = projection.new_job(envelopes[0])
    for message, envelope in zip(messages, envelopes, strict=True):
        once = projection.apply(once, message, envelope)
    assert state == once
