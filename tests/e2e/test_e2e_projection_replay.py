"""Dropping the jobs database and replaying the topics from the beginning gives the same job states."""

import asyncio
import json
import time
import zipfile

import httpx
import pytest
import redis.asyncio as redis

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.job_views import PUT_IF_NEWER, view_key
from tenderflow_common.settings import KafkaSettings, RedisSettings
from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_jobs import repository as jobs_repository
from tenderflow_jobs.rebuild import rebuild_projection
from tenderflow_jobs.settings import JobsSettings

from .support import TED_NOTICE, tenant_with_key

pytestmark = pytest.mark.e2e



async def job_states(database_url: str, tenant_id: str) -> dict:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            return {state.job_id: state for state in await jobs_repository.list_for_tenant(
                session, tenant_id, status=None, limit=100, offset=0)}
    finally:
        await engine.dispose()


async def put_stale_view(redis_url: str, namespace: str, tenant_id: str, view: dict) -> None:
    """A view at a version no rebuild reaches, as a projection that counted differently could have left."""
    client = redis.from_url(redis_url)
    try:
        key = view_key(namespace, tenant_id, view["job_id"])
        await client.delete(key)
        assert await client.eval(PUT_IF_NEWER, 1, key, 10**9, json.dumps(view), 3600) == 1
    finally:
        await client.aclose()


async def test_replay_rebuilds_identical_jobs(stack, tmp_path):
    tenant_id, key = await tenant_with_key(stack.databases["gateway"], "acme")
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.write(TED_NOTICE, TED_NOTICE.name)
        archive.writestr("../escape.txt", "x")
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("../escape.txt", "x")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        for package in (good, bad):
            response = await client.post("/v1/documents", files={"file": (package.name, package.read_bytes())})
            assert response.status_code == 202
            deadline = time.monotonic() + 60
            while (await client.get(response.headers["location"])).json()["status"] not in (
                    "succeeded", "failed", "cancelled"):
                assert time.monotonic() < deadline
                await asyncio.sleep(0.3)

    live = await job_states(stack.databases["jobs"], tenant_id)
    assert sorted(state.status for state in live.values()) == ["failed", "succeeded"]
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        for job_id in live:
            view = (await client.get(f"/v1/jobs/{job_id}")).json()
            await put_stale_view(stack.infra.redis_url, stack.topic_prefix, tenant_id, {**view, "status": "running"})
            assert (await client.get(f"/v1/jobs/{job_id}")).json()["status"] == "running"
    replayed_url = await create_database(stack.infra.postgres_url, "replay")
    try:
        settings = JobsSettings(database_url=replayed_url, redis=RedisSettings(url=stack.infra.redis_url),
                                kafka=KafkaSettings(bootstrap_servers=stack.infra.kafka_bootstrap_servers,
                                                    topic_prefix=stack.topic_prefix))
        assert await rebuild_projection(settings) > 0
        assert await job_states(replayed_url, tenant_id) == live
        # The stale views are gone: the gateway serves each job as its database has it, not the higher version.
        async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
            for job_id, state in live.items():
                assert (await client.get(f"/v1/jobs/{job_id}")).json()["status"] == state.status
        assert await rebuild_projection(settings) > 0
        assert await job_states(replayed_url, tenant_id) == live
    finally:
        await drop_database(stack.infra.postgres_url, replayed_url)
