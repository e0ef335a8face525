"""Over the real Redis: the jobs service's view writer announces each batch of views it puts, and a gateway's one
subscription wakes exactly the streams following those jobs, which then read the new version."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis

from tenderflow_common.job_views import changes_channel
from tenderflow_gateway.job_changes import JobChanges
from tenderflow_gateway.job_events import CurrentViews
from tenderflow_jobs.projection import JobState
from tenderflow_jobs.read_model import JobViews

pytestmark = pytest.mark.integration
WAIT_SECONDS = 20.0


def job(tenant_id: str, version: int) -> JobState:
    created = datetime.now(UTC) - timedelta(seconds=30)
    return JobState(job_id=f"job-{uuid.uuid4().hex}", tenant_id=tenant_id, created_at=created, updated_at=created,
                    version=version)


async def subscribed(changes: JobChanges, client: redis.Redis, namespace: str) -> asyncio.Task:
    """The replica's listener, once Redis counts its subscription."""
    listener = asyncio.create_task(changes.run())
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if (await client.pubsub_numsub(changes_channel(namespace)))[0][1]:
            return listener
        await asyncio.sleep(0.05)
    raise AssertionError("the gateway never subscribed")


async def test_a_written_view_wakes_its_followers_only_and_they_read_its_version(redis_url) -> None:
    namespace = f"test-{uuid.uuid4().hex}."
    client = redis.from_url(redis_url)
    views, changes = JobViews(redis.from_url(redis_url), namespace), JobChanges(client, namespace)
    # Redis holds every view read here: the jobs service and the gateway database are never asked.
    current = CurrentViews(client, namespace, clients=None, database=None)
    followed, other = job("tenant-a", 3), job("tenant-a", 1)
    listener = await subscribed(changes, client, namespace)
    writer = asyncio.create_task(views.run())
    try:
        with changes.follow("tenant-a", followed.job_id) as woken, \
                changes.follow("tenant-b", followed.job_id) as other_tenant:
            views.publish([other])
            await asyncio.sleep(0.5)
            assert not woken.is_set() and not other_tenant.is_set()
            views.publish([followed])
            async with asyncio.timeout(WAIT_SECONDS):
                await woken.wait()
            assert not other_tenant.is_set()
        snapshot = await current.read("tenant-a", followed.job_id)
        assert snapshot.version == 3 and snapshot.view["job_id"] == followed.job_id
        assert changes.following() == 0
    finally:
        writer.cancel()
        listener.cancel()
        await views.aclose()
        await client.aclose()
