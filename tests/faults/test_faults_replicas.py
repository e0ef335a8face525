"""Two replicas of a worker service in one consumer group, the one doing the job killed mid-job: the other takes
the work over once its lease runs out (and the group rebalances), and nothing is done twice."""

import asyncio
import time
from datetime import UTC, datetime

import pytest

from .faults import (
    FULL_PACKAGE,
    SHORT_PACKAGE,
    busiest,
    claimed_again,
    kill,
    pause,
    restart,
    resume,
    start_replica,
    still_working,
    tenant_with_key,
    tender_package,
    upload,
)

pytestmark = pytest.mark.faults
JOB_SECONDS = 600.0
RECOVERY_GOAL_SECONDS = 30.0
# A take-over comes no sooner than the lease (15 s after the last heartbeat) allows; a quicker one means the
# process killed held nothing and the other replica was simply renewing its own claim.
LEASE_SLACK_SECONDS = 10.0
# How long a paused replica stays stopped after the other took its work over, so that it wakes up mid-step with a
# claim that is no longer its own.
PAUSED_AFTER_TAKE_OVER_SECONDS = 3.0


async def _two_ingest_replicas_extracting(stack, watch, tenant: str):
    """A second ingest replica, and a job caught extracting: its id, the sample, and the replica doing the work."""
    start_replica(stack, "ingest", "ingest-2")
    await stack.wait_ready(120, services=("ingest-2",))
    _, key = await tenant_with_key(stack, tenant)
    # Long enough to be caught extracting on a fast machine too.
    job_id = await upload(stack, key, tender_package(FULL_PACKAGE, generated_pdfs=40))
    sample = await watch.wait_for(job_id, lambda s: s.stage == "ingesting" and s.documents_extracted >= 1,
                                  JOB_SECONDS)
    assert not sample.terminal
    victim = await busiest(stack, ("ingest", "ingest-2"))
    assert await still_working(stack, "ingest", "packages"), "the package was done before the fault"
    return job_id, sample, victim


async def test_the_ingest_replica_extracting_is_killed_and_the_other_finishes(
        fault_stack, watch, ledger, report, dead_letters_due):
    job_id, sample, victim = await _two_ingest_replicas_extracting(fault_stack, watch, "replicas")
    await _kill_the_busy_replica(fault_stack, watch, ledger, report, dead_letters_due, job_id, victim,
                                 "ingest", "packages", "two ingest replicas, the extracting one killed -9",
                                 f"extraction at {sample.progress}")


async def test_a_questions_replica_killed_while_answering_leaves_the_run_to_the_other(
        fault_stack, watch, ledger, report, dead_letters_due, full_run):
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1); CI takes the ingest replicas")
    start_replica(fault_stack, "questions", "questions-2")
    await fault_stack.wait_ready(120, services=("questions-2",))
    _, key = await tenant_with_key(fault_stack, "replicas")
    # Enough questions that answering lasts while the replica doing it is found and killed.
    job_id = await upload(fault_stack, key, tender_package(SHORT_PACKAGE), questions=200)
    sample = await watch.wait_for(job_id, lambda s: s.stage == "answering", JOB_SECONDS)
    assert not sample.terminal
    victim = await busiest(fault_stack, ("questions", "questions-2"))
    assert await still_working(fault_stack, "questions", "runs"), "the run was done before the kill"
    await _kill_the_busy_replica(fault_stack, watch, ledger, report, dead_letters_due, job_id, victim,
                                 "questions", "runs", "two questions replicas, the answering one killed -9",
                                 f"answering at {sample.progress}")


async def _kill_the_busy_replica(stack, watch, ledger, report, dead_letters_due, job_id: str, victim: str,
                                 service: str, table: str, fault: str, struck: str) -> None:
    """Kill the replica holding the job's work, wait for the other to claim it and the job to end, then check the
    ledger and put the pair back to one replica of the service (whose claims are rows of `table`)."""
    killed_wall = datetime.now(UTC)
    killed_at = kill(stack, victim)
    taken_over = await claimed_again(stack, service, table, killed_wall, JOB_SECONDS)
    recovery = taken_over + await watch.progress_after(job_id, killed_at + taken_over, JOB_SECONDS)
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    report.record(fault, struck, recovery, check.summary())
    if victim == service:
        await restart(stack, service)
    stack.stop_service(f"{service}-2")
    assert check.problems == []
    assert taken_over >= LEASE_SLACK_SECONDS, "the replica killed was not the one holding the work"
    assert recovery <= RECOVERY_GOAL_SECONDS


async def test_an_ingest_replica_paused_past_its_lease_does_not_finish_beside_the_new_holder(
        fault_stack, watch, ledger, report, dead_letters_due, full_run):
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1)")
    job_id, sample, victim = await _two_ingest_replicas_extracting(fault_stack, watch, "paused")
    paused_wall, paused_at = datetime.now(UTC), time.monotonic()
    stopped = pause(fault_stack, victim)
    try:
        taken_over = await claimed_again(fault_stack, "ingest", "packages", paused_wall, JOB_SECONDS)
        await asyncio.sleep(PAUSED_AFTER_TAKE_OVER_SECONDS)
    finally:
        resume(stopped)
    recovery = taken_over + await watch.progress_after(job_id, paused_at + taken_over, JOB_SECONDS)
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    fenced = "claimed by another replica" in fault_stack.log_tail(victim, lines=2000)
    report.record("two ingest replicas, the extracting one paused (SIGSTOP) past its lease, then resumed",
                  f"extraction at {sample.progress}; the stale holder's writes voided: {fenced}", recovery,
                  check.summary())
    alive = fault_stack.processes[victim].poll() is None
    fault_stack.stop_service("ingest-2")
    if victim == "ingest" and not alive:
        await restart(fault_stack, "ingest")
    assert check.problems == []
    assert alive, "the paused replica crashed when it woke up"
    assert fenced, "the paused replica never noticed its claim was gone"
    assert taken_over >= LEASE_SLACK_SECONDS, "the replica paused was not the one holding the work"
    assert recovery <= RECOVERY_GOAL_SECONDS
