"""The servers under the stack go away while a job runs: the Kafka broker stopped and started again, PostgreSQL
restarted, Redis stopped. No service needs a restart or a hand: the job moves again within 30 s of the server
being back and succeeds, no effect happens twice, and while Redis is away the gateway serves (rate limits fail
open, as the README says) and never answers 500.

The suite's servers are its own (separate_infra), so stopping them disturbs no other work on the machine."""

import asyncio
import time

import httpx
import pytest
import redis.asyncio as redis

from tenderflow_common.testing.stack import Stack

from . import separate_infra
from .faults import SHORT_PACKAGE, tenant_with_key, tender_package, upload
from .watch import JobWatch

pytestmark = pytest.mark.faults
JOB_SECONDS = 600.0
RECOVERY_GOAL_SECONDS = 30.0
# Long enough that every client notices (a heartbeat, a poll, a produce), short enough for CI.
OUTAGE_SECONDS = 8.0
# CI restarts Kafka and PostgreSQL; Redis comes in the full run.
IN_CI = ("kafka", "postgres")


async def _running_job(stack: Stack, watch: JobWatch, tenant: str) -> tuple[str, str, object]:
    """A job of real tenders caught extracting; its id, the tenant's key and the sample it was caught at."""
    _, key = await tenant_with_key(stack, tenant)
    job_id = await upload(stack, key, tender_package(SHORT_PACKAGE))
    sample = await watch.wait_for(job_id, lambda s: s.stage == "ingesting" and s.documents_extracted >= 1,
                                  JOB_SECONDS)
    assert not sample.terminal, "the job ended before the server could be stopped"
    return job_id, key, sample


@pytest.mark.parametrize("server", ["kafka", "postgres"])
async def test_a_server_stopped_mid_job_and_started_again_costs_the_job_nothing(
        server, fault_stack, watch, ledger, report, full_run, dead_letters_due):
    if not (full_run or server in IN_CI):
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1)")
    job_id, _, sample = await _running_job(fault_stack, watch, f"{server}-restart")
    await separate_infra.stop(server)
    await asyncio.sleep(OUTAGE_SECONDS)
    back_at = await separate_infra.start(server)
    recovery = await watch.progress_after(job_id, back_at, JOB_SECONDS)
    await watch.wait_for(job_id, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id], watch, dead_letters_due=dead_letters_due)
    stopped = {"kafka": "Kafka broker stopped", "postgres": "PostgreSQL stopped"}[server]
    report.record(f"{stopped} for {OUTAGE_SECONDS:.0f} s, then started", f"extraction at {sample.progress}",
                  recovery, check.summary())
    assert check.problems == []
    assert recovery <= RECOVERY_GOAL_SECONDS, recovery
    for service, process in fault_stack.processes.items():
        assert process.poll() is None, f"{service} died with {server} away:\n{fault_stack.log_tail(service)}"


async def test_without_redis_the_gateway_serves_unlimited_and_limits_again_once_it_is_back(
        fault_stack, watch, ledger, report, full_run, dead_letters_due):
    if not full_run:
        pytest.skip("full run only (TENDERFLOW_FAULTS_FULL=1)")
    job_id, key, sample = await _running_job(fault_stack, watch, "redis-away")
    await separate_infra.stop("redis")
    async with httpx.AsyncClient(base_url=fault_stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        assert (await client.get(f"/v1/jobs/{job_id}")).status_code == 200
        refused = await client.get(f"/v1/jobs/{job_id}", headers={"X-API-Key": "tf_not-a-key"})
        assert refused.status_code == 401, refused.text
        ready = await client.get("/health/ready")
        assert ready.status_code == 503, "readiness must say Redis is away"
    second_job = await upload(fault_stack, key, tender_package(SHORT_PACKAGE[:2]))

    back_at = await separate_infra.start("redis")
    ready_after = await _seconds_until_ready(fault_stack, back_at)
    counters = redis.from_url(fault_stack.infra.redis_url)
    try:
        async with httpx.AsyncClient(base_url=fault_stack.gateway_url, headers={"X-API-Key": key}) as client:
            assert (await client.get(f"/v1/jobs/{job_id}")).status_code == 200
        assert await counters.keys(f"{fault_stack.topic_prefix}tenderflow-gateway*"), "requests are counted again"
    finally:
        await counters.aclose()
    for job in (job_id, second_job):
        await watch.wait_for(job, lambda s: s.terminal, JOB_SECONDS)

    check = await ledger.check([job_id, second_job], watch, dead_letters_due=dead_letters_due)
    report.record("Redis stopped, then started", f"extraction at {sample.progress}; reads, a refused key and an "
                  "upload while away: 200, 401, 202", ready_after, check.summary())
    assert check.problems == []
    assert ready_after <= RECOVERY_GOAL_SECONDS


async def _seconds_until_ready(stack: Stack, since: float) -> float:
    """Seconds from `since` until the gateway says it is ready again (its Redis check passes)."""
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=5) as client:
        while time.monotonic() - since < JOB_SECONDS:
            if (await client.get("/health/ready")).status_code == 200:
                return time.monotonic() - since
            await asyncio.sleep(0.2)
    raise AssertionError("the gateway never became ready after Redis came back")
