"""`kill -9` of each service while a job is at the stage that service works on, then a restart: the job still
succeeds, no effect happens twice, and it is moving again within 30 seconds with no manual step."""

import time

import pytest

from .faults import FULL_PACKAGE, SHORT_PACKAGE, kill, restart, tenant_with_key, tender_package, upload
from .watch import Sample

pytestmark = pytest.mark.faults
RECOVERY_GOAL_SECONDS = 30.0
# CI kills the services whose work is claimed and resumed; the full run adds the gateway's relay and the projection.
IN_CI = ("ingest", "workspace", "questions")
JOB_SECONDS = 600.0
# Generated 30-page PDFs after the real documents keep extraction going for seconds, so the kills struck while
# documents are extracted find that stage however fast the machine reads the real ones.
EXTRACTING = {"ingest": 4, "jobs": 4}


def strike_points(files: int) -> dict[str, tuple[str, object]]:
    """Where each service is killed: the stage it works on, as the job's row shows it."""
    return {
        "gateway": ("relay publish (right after the upload is accepted)", None),
        "ingest": ("extraction (a document extracted, more to go)",
                   lambda s: s.stage == "ingesting" and 1 <= s.documents_extracted < files - 1),
        "jobs": ("projection (documents being extracted)", lambda s: s.stage == "ingesting" and s.documents_extracted),
        "workspace": ("indexing (the last documents extracted)",
                      lambda s: s.documents_extracted >= files - 1 or s.stage in ("indexing", "answering")),
        "questions": ("answering", lambda s: s.stage == "answering"),
    }


def _later(reached, previous: Sample | None):
    """A strike point past the previous strike's recovery, so a second kill lands on new work."""
    if previous is None:
        return reached
    return lambda s: reached(s) and s.at > previous.at


@pytest.mark.parametrize("service", ["gateway", "ingest", "jobs", "workspace", "questions"])
async def test_a_service_killed_mid_job_is_restarted_and_the_job_succeeds(
        service, fault_stack, watch, ledger, report, full_run, dead_letters_due):
    if not (full_run or service in IN_CI):
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1)")
    files = FULL_PACKAGE if full_run else SHORT_PACKAGE
    generated = EXTRACTING.get(service, 0)
    where, reached = strike_points(len(files) + generated)[service]
    _, key = await tenant_with_key(fault_stack, "kills")
    job_id = await upload(fault_stack, key, tender_package(files, generated_pdfs=generated))
    strikes = 2 if full_run and service in ("ingest", "questions") else 1
    recoveries: list[float] = []
    struck: list[str] = []
    previous: Sample | None = None
    for _ in range(strikes):
        sample: Sample | None = None
        if reached is not None:
            sample = await watch.wait_for(job_id, _later(reached, previous), JOB_SECONDS)
            if sample.terminal:
                assert previous is not None, f"the job ended before {service} could be killed during {where}"
                break  # the job finished before a second point came: one strike is what this job allowed
        killed_at = kill(fault_stack, service)
        struck.append(f"{where} at {sample.progress if sample else 'upload'}")
        await restart(fault_stack, service)
        ready_at = time.monotonic()
        moved = await watch.progress_after(job_id, ready_at if sample else killed_at, JOB_SECONDS)
        recoveries.append((ready_at if sample else killed_at) + moved - killed_at)
        previous = watch.latest(job_id)
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    report.record(f"kill -9 {service}", "; ".join(struck), max(recoveries), check.summary())
    assert check.problems == []
    assert max(recoveries) <= RECOVERY_GOAL_SECONDS, recoveries
