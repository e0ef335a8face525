"""Two replicas of a service in one consumer group, the one doing the job killed mid-job: the other takes the work
over once its lease runs out, or the group has rebalanced where the work is the handling of a message, and nothing is
done twice."""

import asyncio
import time
from datetime import UTC, datetime

import pytest

from tenderflow_common import topics

from .faults import (
    FULL_PACKAGE,
    SHORT_PACKAGE,
    claim_holder,
    claimed_again,
    kill,
    package_indexed,
    partition_holder,
    pause,
    restart,
    resume,
    spool_folders_left,
    start_replica,
    still_working,
    tenant_with_key,
    tender_package,
    upload,
)
from .watch import SAMPLE_SECONDS

pytestmark = pytest.mark.faults
JOB_SECONDS = 600.0
RECOVERY_GOAL_SECONDS = 30.0
# A take-over comes no sooner than the lease (15 s after the last heartbeat) allows; a quicker one means the
# process killed held nothing and the other replica was simply renewing its own claim.
LEASE_SLACK_SECONDS = 10.0
# A message goes to another member no sooner than the group's session timeout (10 s) after the killed member's
# last heartbeat (one every 3 s) allows; a quicker end means the replica killed was not the one handling it.
REBALANCE_SLACK_SECONDS = 6.0
# The watch samples every 0.2 s, so a change sampled this soon after a kill may have been made before it.
FOLDED_BEFORE_SECONDS = 2 * SAMPLE_SECONDS
# How long a restarted ingest replica may take to sweep the spool folders it left when it was killed.
SPOOL_SWEPT_SECONDS = 30.0
# How long a paused replica stays stopped after the other took its work over, so that it wakes up mid-step with a
# claim that is no longer its own.
PAUSED_AFTER_TAKE_OVER_SECONDS = 3.0


def _own_disk(stack) -> dict[str, str]:
    """The second ingest replica spools to a folder of its own, as a pod with its own `emptyDir` would."""
    return {"TENDERFLOW_INGEST_WORK_DIR": str(stack.work_dir / "ingest-2-work")}


async def _two_ingest_replicas_extracting(stack, watch, tenant: str, *, own_disk: bool):
    """A second ingest replica, spooling to the first one's folder or to its own, and a job caught extracting: its
    id, the sample, and the replica doing the work."""
    start_replica(stack, "ingest", "ingest-2", **(_own_disk(stack) if own_disk else {}))
    await stack.wait_ready(120, services=("ingest-2",))
    _, key = await tenant_with_key(stack, tenant)
    # Long enough to be caught extracting on a fast machine too.
    job_id = await upload(stack, key, tender_package(FULL_PACKAGE, generated_pdfs=40))
    sample = await watch.wait_for(job_id, lambda s: s.stage == "ingesting" and s.documents_extracted >= 1,
                                  JOB_SECONDS)
    assert not sample.terminal
    assert await still_working(stack, "ingest", "packages"), "the package was done before the fault"
    victim = await claim_holder(stack, ("ingest", "ingest-2"), "ingest", "packages")
    return job_id, sample, victim


async def test_the_ingest_replica_extracting_is_killed_and_the_other_finishes(
        fault_stack, watch, ledger, report, dead_letters_due):
    job_id, sample, victim = await _two_ingest_replicas_extracting(fault_stack, watch, "replicas", own_disk=True)
    await _kill_the_busy_replica(fault_stack, watch, ledger, report, dead_letters_due, job_id, victim,
                                 "ingest", "packages", "two ingest replicas, the extracting one killed -9",
                                 f"extraction at {sample.progress}")
    # The killed replica's spool folder stayed on its disk, since the other spooled the package to its own; back
    # (the first is restarted above, an orchestrator would restart the second), its spool sweep clears it.
    if victim == "ingest-2":
        start_replica(fault_stack, "ingest", "ingest-2", **_own_disk(fault_stack))
        await fault_stack.wait_ready(120, services=("ingest-2",))
    work_dirs = [fault_stack.work_dir / "ingest-work", fault_stack.work_dir / "ingest-2-work"]
    left = await spool_folders_left(work_dirs, SPOOL_SWEPT_SECONDS)
    fault_stack.stop_service("ingest-2")
    assert left == []


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
    assert await still_working(fault_stack, "questions", "runs"), "the run was done before the kill"
    victim = await claim_holder(fault_stack, ("questions", "questions-2"), "questions", "runs")
    await _kill_the_busy_replica(fault_stack, watch, ledger, report, dead_letters_due, job_id, victim,
                                 "questions", "runs", "two questions replicas, the answering one killed -9",
                                 f"answering at {sample.progress}")


async def test_a_workspace_replica_killed_while_indexing_leaves_the_package_to_the_other(
        fault_stack, watch, ledger, report, dead_letters_due, full_run):
    """Indexing holds no lease: it is the handling of the package's message, so the message goes back to the
    group with the killed replica's partitions and the other replica handles it once the group has rebalanced."""
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1); CI takes the ingest replicas")
    start_replica(fault_stack, "workspace", "workspace-2")
    await fault_stack.wait_ready(120, services=("workspace-2",))
    _, key = await tenant_with_key(fault_stack, "replicas")
    # Thousands of chunks, so indexing lasts while the replica doing it is found and killed.
    job_id = await upload(fault_stack, key, tender_package(FULL_PACKAGE, generated_pdfs=40))
    sample = await watch.wait_for(job_id, lambda s: s.stage == "indexing", JOB_SECONDS)
    assert not sample.terminal
    # The package's `PackageIngested` is on the partition of ingest's events that the job's id keys.
    victim = await partition_holder(fault_stack, ("workspace", "workspace-2"), topics.INGEST_EVENTS, job_id, 60)
    killed_at = kill(fault_stack, victim)
    assert not await package_indexed(fault_stack, job_id), "the package was indexed before the kill"
    recovery = await watch.progress_after(job_id, killed_at, JOB_SECONDS)
    await _restart_the_first(fault_stack, victim, "workspace")
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    report.record("two workspace replicas, the indexing one killed -9", f"indexing at {sample.progress}",
                  recovery, check.summary())
    fault_stack.stop_service("workspace-2")
    assert check.problems == []
    assert recovery >= REBALANCE_SLACK_SECONDS, "the replica killed was not the one indexing"
    assert recovery <= RECOVERY_GOAL_SECONDS


async def test_a_jobs_replica_killed_while_folding_the_job_leaves_its_records_to_the_other(
        fault_stack, watch, ledger, report, dead_letters_due, full_run):
    """Two projections share the topics' partitions, so one job's records are folded by both, each under the job
    row's lock; the killed one's records wait on its partitions until the group rebalances, and are folded once."""
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1); CI takes the ingest replicas")
    start_replica(fault_stack, "jobs", "jobs-2")
    await fault_stack.wait_ready(120, services=("jobs-2",))
    _, key = await tenant_with_key(fault_stack, "replicas")
    generated = 20
    documents = len(SHORT_PACKAGE) + generated
    job_id = await upload(fault_stack, key, tender_package(SHORT_PACKAGE, generated_pdfs=generated))
    sample = await watch.wait_for(job_id, lambda s: s.stage == "ingesting" and s.documents_extracted >= 1,
                                  JOB_SECONDS)
    assert not sample.terminal
    # Every extracted document is a record on the partition of ingest's events that the job's id keys.
    victim = await partition_holder(fault_stack, ("jobs", "jobs-2"), topics.INGEST_EVENTS, job_id, 60)
    killed_at = kill(fault_stack, victim)
    # A document folded just before the kill may first be sampled just after it: only later ones count.
    await asyncio.sleep(FOLDED_BEFORE_SECONDS)
    folded = watch.latest(job_id).documents_extracted
    assert folded < documents, "every document was folded before the kill"
    resumed = await watch.wait_for(job_id, lambda s: s.documents_extracted > folded, JOB_SECONDS)
    recovery = resumed.at - killed_at
    await _restart_the_first(fault_stack, victim, "jobs")
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    report.record("two jobs replicas, the one folding the job's documents killed -9",
                  f"extraction at {sample.progress}", recovery, check.summary())
    fault_stack.stop_service("jobs-2")
    assert check.problems == []
    assert recovery >= REBALANCE_SLACK_SECONDS, "documents went on being folded: the replica killed held none"
    assert recovery <= RECOVERY_GOAL_SECONDS


async def _restart_the_first(stack, victim: str, service: str) -> None:
    """Restart the first replica if it was the one killed, once the other has recovered the job: the other services
    call the service at the first one's address, which here no other replica serves (an orchestrator would route
    them to the one alive and restart the killed one)."""
    if victim == service:
        await restart(stack, service)


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
    await _restart_the_first(stack, victim, service)
    stack.stop_service(f"{service}-2")
    assert check.problems == []
    assert taken_over >= LEASE_SLACK_SECONDS, "the replica killed was not the one holding the work"
    assert recovery <= RECOVERY_GOAL_SECONDS


async def test_an_ingest_replica_paused_past_its_lease_does_not_finish_beside_the_new_holder(
        fault_stack, watch, ledger, report, dead_letters_due, full_run):
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1)")
    # Both spool to one folder: the stale holder, waking up, must not clear the files of the one that took over.
    job_id, sample, victim = await _two_ingest_replicas_extracting(fault_stack, watch, "paused", own_disk=False)
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
