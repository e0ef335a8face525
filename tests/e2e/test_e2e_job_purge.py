"""A job purged on the running stack, by DELETE and by the retention sweep: afterwards no database and no stored file
holds anything of it, the API says `purged`, and the purge event delivered again changes nothing."""

import asyncio
import json
import time

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from tenderflow_common.contracts.ingest import package_id_of
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.topics import JOBS_EVENTS

from .support import (
    row_counts,
    stored_files,
    tenant_with_key,
    tender_package,
    upload_into,
    wait_for_end,
    wait_until_gone,
)

pytestmark = pytest.mark.e2e

# What each service's database may still hold of one job (its package, its run, its answers, its details).
LEFT_OVER = {
    "gateway": ["SELECT count(*) FROM submissions WHERE job_id = :job"],
    "ingest": ["SELECT count(*) FROM packages WHERE job_id = :job",
               "SELECT count(*) FROM documents WHERE package_id = :package"],
    "workspace": ["SELECT count(*) FROM documents WHERE package_id = :package",
                  "SELECT count(*) FROM chunks WHERE package_id = :package",
                  "SELECT count(*) FROM anythingllm_syncs WHERE job_id = :job",
                  "SELECT count(*) FROM workspaces WHERE last_job_id = :job"],
    "questions": ["SELECT count(*) FROM runs WHERE job_id = :job",
                  "SELECT count(*) FROM answers WHERE run_id NOT IN (SELECT id FROM runs)"],
    "jobs": ["SELECT count(*) FROM jobs WHERE job_id = :job AND (status <> 'purged' OR filename IS NOT NULL "
             "OR workspace IS NOT NULL OR CAST(files AS TEXT) <> '[]' OR CAST(errors AS TEXT) <> '[]')"],
}


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(50 * 1024 * 1024),
            "TENDERFLOW_JOBS_RETENTION_SWEEP_SECONDS": "1"}


async def left_over(stack, job_id: str, queries: dict[str, list[str]] = LEFT_OVER) -> dict[str, list[int]]:
    return await row_counts(stack.databases, queries, job=job_id, package=package_id_of(job_id))


def files_of(stack, tenant_id: str, job_id: str) -> list[str]:
    """The job's upload and its package's extracted text."""
    return [path for path in stored_files(stack.work_dir / "storage", tenant_id)
            if job_id in path or package_id_of(job_id) in path]


async def wait_until_purged(client: httpx.AsyncClient, stack, tenant_id: str, job_id: str,
                            queries: dict[str, list[str]] = LEFT_OVER) -> None:
    await wait_for_end(client, f"/v1/jobs/{job_id}", 60, statuses=("purged",))
    await wait_until_gone(stack.databases, queries, lambda: files_of(stack, tenant_id, job_id),
                          job=job_id, package=package_id_of(job_id))


async def purge_event(database_url: str, job_id: str) -> Envelope:
    """The `JobPurged` the jobs service emitted for the job, from its outbox."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            payloads = await session.scalars(text("SELECT payload FROM outbox WHERE key = :job"), {"job": job_id})
            envelopes = [Envelope.model_validate_json(payload) for payload in payloads]
    finally:
        await engine.dispose()
    [purged] = [envelope for envelope in envelopes if envelope.type == JobPurged.message_type]
    return purged


async def deliver_again(stack, event: Envelope) -> None:
    """The same record again, and a copy under a new id that no consumer has processed yet."""
    copy = Envelope.model_validate({**json.loads(event.to_bytes()), "id": event.id + "-again"})
    producer = AIOKafkaProducer(bootstrap_servers=stack.infra.kafka_bootstrap_servers)
    await producer.start()
    try:
        for envelope in (event, copy):
            await producer.send_and_wait(stack.topic_prefix + JOBS_EVENTS, envelope.to_bytes(),
                                         key=envelope.jobid.encode())
    finally:
        await producer.stop()


async def processed_by_all(stack, message_id: str) -> bool:
    marked = "SELECT count(*) FROM processed_messages WHERE message_id = :id"
    # The projection keeps the ids it folded on each job instead.
    folded = "SELECT count(*) FROM jobs, json_array_elements_text(jobs.seen) AS seen(id) WHERE seen.id = :id"
    queries = {service: [marked] for service in ("ingest", "workspace", "questions")} | {"jobs": [folded]}
    counts = await row_counts(stack.databases, queries, id=message_id)
    return all(service == [1] for service in counts.values())


async def test_a_purged_job_leaves_nothing_and_a_second_purge_changes_nothing(stack, tmp_path):
    tenant_id, key = await tenant_with_key(stack.databases["gateway"], "harbour-authority")
    _, other_key = await tenant_with_key(stack.databases["gateway"], "intruder")
    package = tender_package(tmp_path)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        deleted, expiring = await asyncio.gather(upload_into(client, package, "harbour"),
                                                   upload_into(client, package, "harbour"))
        assert deleted["status"] == expiring["status"] == "succeeded", (deleted, expiring)
        job_id, url = deleted["job_id"], f"/v1/jobs/{deleted['job_id']}"
        before, kept = await left_over(stack, job_id), await left_over(stack, expiring["job_id"])
        for counts in (before, kept):
            assert counts["ingest"] == [1, 2] and counts["questions"][0] == 1 and counts["workspace"][:2] != [0, 0]
        assert files_of(stack, tenant_id, job_id)

        async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": other_key}) as intruder:
            assert (await intruder.delete(url)).status_code == 404
        response = await client.delete(url)
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "purging"

        await wait_until_purged(client, stack, tenant_id, job_id)
        view = (await client.get(url)).json()
        assert (view["filename"], view["workspace"], view["files"]) == (None, None, [])
        assert (await client.get(f"{url}/results")).status_code == 404
        listed = (await client.get("/v1/jobs")).json()
        assert [job["job_id"] for job in listed["jobs"]] == [expiring["job_id"]] and listed["total"] == 1
        assert await left_over(stack, expiring["job_id"]) == kept, "the tenant's other job keeps everything"

        # The purge again: the same record (skipped as processed) and a new delivery (handled, finding nothing).
        event = await purge_event(stack.databases["jobs"], job_id)
        assert event.data["reason"] == "deleted"
        await deliver_again(stack, event)
        deadline = time.monotonic() + 30
        while not await processed_by_all(stack, event.id + "-again"):
            assert time.monotonic() < deadline, "the purge delivered again was not handled"
            await asyncio.sleep(0.5)
        assert await left_over(stack, expiring["job_id"]) == kept
        assert (await client.get(url)).json() == view
        assert (await client.delete(url)).status_code == 202, "deleting a purged job again is no error"

        # Retention: the other job, its creation set back past the 90 days, is purged by the sweep.
        engine = create_engine(stack.databases["jobs"], pool_size=1)
        try:
            async with session_factory(engine)() as session, session.begin():
                await session.execute(text("UPDATE jobs SET created_at = created_at - interval '91 days' "
                                           "WHERE job_id = :job"), {"job": expiring["job_id"]})
        finally:
            await engine.dispose()
        # Not yet swept: the gateway's submission row of an expired job (the gateway consumes no events).
        without_gateway = {service: queries for service, queries in LEFT_OVER.items() if service != "gateway"}
        await wait_until_purged(client, stack, tenant_id, expiring["job_id"], without_gateway)
        expired = await purge_event(stack.databases["jobs"], expiring["job_id"])
        assert expired.data["reason"] == "expired"
        assert stored_files(stack.work_dir / "storage", tenant_id) == []
        assert (await client.get("/v1/jobs")).json()["total"] == 0
