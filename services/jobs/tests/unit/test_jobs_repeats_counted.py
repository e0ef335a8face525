"""A message the projection folded before is counted as a duplicate, though its consumer marks nothing processed:
the job's own ids tell, whether it comes again in a later poll, in the same one, or alone."""

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from tenderflow_common.contracts import ingest, questions
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.envelope import Envelope
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import topic_of

from .folded_jobs import FoldedJobs

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ANSWER = questions.AnswerRecorded(run_id="r", question_id="q1", answered=True, confidence=0.8)


def at(message, seconds: float) -> Envelope:
    wrapped = Envelope.wrap(message, source="tests", tenant_id="t", job_id="j")
    return wrapped.model_copy(update={"time": T0 + timedelta(seconds=seconds)})


def consumed(outcome: str) -> float:
    return REGISTRY.get_sample_value("tenderflow_messages_consumed_total", {
        "consumer": "tenderflow-jobs", "topic": ANSWER.topic, "type": ANSWER.message_type, "outcome": outcome}) or 0


async def test_answers_folded_before_are_counted_as_duplicates_and_folded_once(tmp_path):
    upload = at(ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x", request=JobRequest()), 0)
    first, second = at(ANSWER, 1), at(ANSWER, 2)
    async with FoldedJobs(tmp_path / "jobs.db") as database:
        handled, duplicates = consumed("handled"), consumed("duplicate")
        await database.deliver([upload, first, second])
        assert (consumed("handled") - handled, consumed("duplicate") - duplicates) == (2, 0)

        await database.deliver([upload, second, first])  # a later poll redelivers all three
        assert (consumed("handled") - handled, consumed("duplicate") - duplicates) == (2, 2)

        database.offset += 1
        await database.consumer.consume(Record(topic=topic_of(first), partition=0, offset=database.offset,
                                               key=b"j", value=first.to_bytes()))  # alone, on the one-by-one path
        assert (consumed("handled") - handled, consumed("duplicate") - duplicates) == (2, 3)

        job = await database.job("j")
    assert job is not None and job.questions_answered == 2 and job.version == 3
