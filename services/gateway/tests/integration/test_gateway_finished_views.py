"""A finished job's view, polled again and again, is parsed once and then served as stored; a running one has its
ETA brought up to now at every read, even when views rebuilt from scratch number a version again."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis

from tenderflow_common.job_views import view_key
from tenderflow_gateway import job_views
from tenderflow_gateway.auth import Unspent
from tenderflow_gateway.job_views import JobViewReader
from tenderflow_gateway.rate_limits import TenantRateLimiter, rate_limit_storage

pytestmark = pytest.mark.integration


def view(job_id: str, status: str, percent: float) -> bytes:
    created = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    return json.dumps({"job_id": job_id, "tenant_id": "tenant-a", "status": status, "stage": "answering",
                       "progress": {"percent": percent}, "eta_seconds": None, "created_at": created,
                       "updated_at": created}, separators=(",", ":")).encode()


async def test_a_finished_view_is_parsed_once_and_a_running_one_at_every_read(redis_url, monkeypatch):
    namespace, job_id = f"test-{uuid.uuid4().hex}.", "job-1"
    key = view_key(namespace, "tenant-a", job_id)
    parsed, parse = [], job_views.with_current_eta
    monkeypatch.setattr(job_views, "with_current_eta", lambda body, now: parsed.append(body) or parse(body, now))
    reader = JobViewReader(TenantRateLimiter(rate_limit_storage(redis_url, namespace), 0), namespace)
    async with redis.from_url(redis_url) as client:
        finished = view(job_id, "succeeded", 100)
        await client.hset(key, mapping={"version": 3, "view": finished})
        reads = [await reader.view(Unspent("tenant-a", 1), job_id) for _ in range(3)]
        assert reads == [finished] * 3 and len(parsed) == 1

        # Rebuilt from scratch, the job is running again at the same version: its ETA is computed at each read.
        await client.hset(key, mapping={"version": 3, "view": view(job_id, "running", 50)})
        etas = [json.loads(await reader.view(Unspent("tenant-a", 1), job_id))["eta_seconds"] for _ in range(2)]
        assert len(parsed) == 3 and all(eta is not None and eta > 0 for eta in etas)
        await client.delete(key)
