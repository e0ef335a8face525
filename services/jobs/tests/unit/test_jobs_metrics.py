"""A job's end is counted by status, with its duration and each stage's measured between the projection's
timestamps; a stage the job never reached is not observed."""

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from tenderflow_jobs.job_metrics import observe_end
from tenderflow_jobs.projection import JobState

START = datetime(2031, 3, 14, 12, 0, tzinfo=UTC)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_finished_job_observes_its_duration_and_the_stages_it_went_through():
    before = {stage: sample("tenderflow_job_stage_seconds_sum", stage=stage)
              for stage in ("ingesting", "indexing", "answering")}
    finished = sample("tenderflow_jobs_finished_total", status="succeeded")
    took = sample("tenderflow_job_seconds_sum", status="succeeded")
    job = JobState(job_id="j", tenant_id="t", created_at=START, updated_at=START, status="succeeded",
                   ingested_at=START + timedelta(seconds=10), indexed_at=START + timedelta(seconds=15),
                   answered_at=START + timedelta(seconds=45), finished_at=START + timedelta(seconds=45))
    observe_end(job)
    assert sample("tenderflow_jobs_finished_total", status="succeeded") == finished + 1
    assert sample("tenderflow_job_seconds_sum", status="succeeded") == took + 45
    assert {stage: sample("tenderflow_job_stage_seconds_sum", stage=stage) - value
            for stage, value in before.items()} == {"ingesting": 10, "indexing": 5, "answering": 30}


def test_a_job_that_failed_while_ingesting_observes_no_later_stage():
    indexing = sample("tenderflow_job_stage_seconds_count", stage="indexing")
    failed = sample("tenderflow_jobs_finished_total", status="failed")
    observe_end(JobState(job_id="j", tenant_id="t", created_at=START, updated_at=START, status="failed",
                         finished_at=START + timedelta(seconds=3)))
    assert sample("tenderflow_jobs_finished_total", status="failed") == failed + 1
    assert sample("tenderflow_job_stage_seconds_count", stage="indexing") == indexing
