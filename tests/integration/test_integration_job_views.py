"""The job views the jobs service publishes to the real Redis: the gateway serves them as the jobs service would,
never an older one than it has served, never to another tenant, and asks the jobs service when there is none."""

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis.asyncio as redis

from tenderflow_common.consumer import MessageConsumer
from tenderflow_common.contracts import ingest
from tenderflow_common.contracts.shared import FileVerdict, JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import KafkaSettings, RedisSettings
from tenderflow_common.transport import Record
from tenderflow_gateway import main as gateway_main
from tenderflow_gateway import repository as gateway_repository
from tenderflow_gateway.auth import Unspent
from tenderflow_gateway.job_views import JobViewReader
from tenderflow_gateway.rate_limits import TenantRateLimiter, rate_limit_storage
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_jobs import consumers as jobs_consumers
from tenderflow_jobs import main as jobs_main
from tenderflow_jobs import models as jobs_models
from tenderflow_jobs import projection
from tenderflow_jobs import repository as jobs_repository
from tenderflow_jobs.projection import JobState
from tenderflow_jobs.read_model import JobViews
from tenderflow_jobs.rebuild import drop_all_views
from tenderflow_jobs.settings import JobsSettings

pytestmark = pytest.mark.integration


def job(tenant_id: str, version: int, **fields) -> JobState:
    created = datetime.now(UTC) - timedelta(seconds=30)
    return JobState(job_id=f"job-{uuid.uuid4().hex}", tenant_id=tenant_id, created_at=created, updated_at=created,
                    version=version, **fields)


async def written(views: JobViews, *states: JobState) -> None:
    """Publish after a commit and let the background writer put them."""
    writer = asyncio.create_task(views.run())
    views.publish(states)
    await asyncio.sleep(0.2)
    writer.cancel()


@pytest.fixture
async def redis_client(redis_url):
    client = redis.from_url(redis_url)
    yield client
    await client.aclose()


def reader_of(redis_url: str, namespace: str, per_minute: int = 0) -> JobViewReader:
    return JobViewReader(TenantRateLimiter(rate_limit_storage(redis_url, namespace), per_minute), namespace)


async def test_a_view_never_goes_backwards_and_waits_for_a_pending_version(redis_client, redis_url):
    namespace = f"test-{uuid.uuid4().hex}."
    first_replica, second_replica = JobViews(redis_client, namespace), JobViews(redis_client, namespace)
    reader = reader_of(redis_url, namespace)
    newer = job("tenant-a", 3, status="running", stage="answering", questions_total=4, questions_answered=2)
    older = replace(newer, version=2, questions_answered=1)
    await written(first_replica, newer)
    await written(second_replica, older)
    assert json.loads(await reader.view(Unspent("tenant-a", 1), newer.job_id))["progress"]["questions_answered"] == 2

    coming = replace(newer, version=4, status="succeeded", stage="done", questions_answered=4)
    await first_replica.mark_pending([coming])
    assert await reader.view(Unspent("tenant-a", 1), newer.job_id) is None  # the database is asked until it is written
    await written(first_replica, coming)
    assert json.loads(await reader.view(Unspent("tenant-a", 1), newer.job_id))["status"] == "succeeded"
    assert await reader.view(Unspent("tenant-b", 1), newer.job_id) is None


async def test_dropping_the_views_lets_a_rebuilt_lower_version_be_served(redis_client, redis_url):
    namespace, neighbour = f"test-{uuid.uuid4().hex}[1]*.", f"test-{uuid.uuid4().hex}."
    views, reader = JobViews(redis_client, namespace), reader_of(redis_url, namespace)
    stale = [job("tenant-a", 9, status="running", stage="answering"), job("tenant-b", 4, status="running")]
    await written(views, *stale)
    await written(JobViews(redis_client, neighbour), stale[0])
    rebuilt = replace(stale[0], version=3, status="succeeded", stage="done", finished_at=datetime.now(UTC))
    await written(views, rebuilt)
    assert json.loads(await reader.view(Unspent("tenant-a", 1), rebuilt.job_id))["status"] == "running"

    assert await drop_all_views(redis_client, namespace) == 2
    assert await reader.view(Unspent("tenant-a", 1), rebuilt.job_id) is None  # the gateway asks the jobs service
    assert await reader.view(Unspent("tenant-b", 1), stale[1].job_id) is None
    await written(views, rebuilt)
    assert json.loads(await reader.view(Unspent("tenant-a", 1), rebuilt.job_id))["status"] == "succeeded"
    assert await reader_of(redis_url, neighbour).view(Unspent("tenant-a", 1), stale[0].job_id) is not None
    assert await drop_all_views(redis_client, namespace) == 1


async def test_a_running_job_read_from_redis_has_its_eta_brought_up_to_now(redis_client, redis_url):
    namespace = f"test-{uuid.uuid4().hex}."
    running = job("tenant-a", 5, status="running", stage="answering", questions_total=10, questions_answered=5)
    await written(JobViews(redis_client, namespace), running)
    first = json.loads(await reader_of(redis_url, namespace).view(Unspent("tenant-a", 1), running.job_id))
    await asyncio.sleep(1.1)
    later = json.loads(await reader_of(redis_url, namespace).view(Unspent("tenant-a", 1), running.job_id))
    assert later["eta_seconds"] > first["eta_seconds"] > 0


async def test_the_gateway_serves_the_jobs_services_view_and_a_miss_puts_it_back(redis_url, tmp_path):
    namespace = f"test-{uuid.uuid4().hex}."
    shared = {"redis": RedisSettings(url=redis_url), "kafka": KafkaSettings(topic_prefix=namespace)}
    jobs_url, gateway_url = (f"sqlite+aiosqlite:///{tmp_path / name}.db" for name in ("jobs", "gateway"))
    await upgrade_to_head(jobs_main.MIGRATIONS, jobs_url)
    await upgrade_to_head(gateway_main.MIGRATIONS, gateway_url)
    jobs = jobs_main.build_service(JobsSettings(database_url=jobs_url, **shared), InMemoryTransport())
    hops: list[str] = []
    gateway = gateway_main.build_service(
        GatewaySettings(database_url=gateway_url, rate_limit_per_minute=0, **shared), InMemoryTransport(),
        peers={"jobs": CountingTransport(jobs.app, hops)})
    async with gateway.runtime.sessions() as session, session.begin():
        tenant_id = await gateway_repository.ensure_tenant(session, "acme")
        _, key = await gateway_repository.create_key(session, tenant_id)
        _, other_key = await gateway_repository.create_key(session, await gateway_repository.ensure_tenant(
            session, "globex"))
    state = job(tenant_id, 7, status="succeeded", stage="done", filename="tender.zip", questions_total=3,
                questions_answered=3, finished_at=datetime.now(UTC))
    async with jobs.runtime.sessions() as session, session.begin():
        await jobs_repository.save(session, state, new=True)
    path = f"/v1/jobs/{state.job_id}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway.app), base_url="http://gateway") as client:
        try:
            missed = await client.get(path, headers={"X-API-Key": key})
            assert missed.status_code == 200 and missed.json()["status"] == "succeeded" and len(hops) == 1
            assert (await client.get(path, headers={"X-API-Key": other_key})).status_code == 404

            # The jobs service puts back the view it was asked for, so the next read needs no hop.
            [write_views] = [task for task in jobs.background if isinstance(getattr(task, "__self__", None), JobViews)]
            writer = asyncio.create_task(write_views())
            await asyncio.sleep(0.2)
            writer.cancel()
            hops.clear()
            served = await client.get(path, headers={"X-API-Key": key})
            assert served.status_code == 200 and hops == []
            assert served.json() == missed.json()
            assert (await client.get(path, headers={"X-API-Key": other_key})).status_code == 404
        finally:
            await gateway.stop()
            await jobs.stop()


class CountingTransport(httpx.ASGITransport):
    """The jobs service in process, noting each request the gateway sends it."""

    def __init__(self, app, hops: list[str]) -> None:
        super().__init__(app=app)
        self.hops = hops

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hops.append(request.url.path)
        return await super().handle_async_request(request)


async def test_folding_marks_each_view_pending_then_puts_it_after_the_commit(redis_client, redis_url, tmp_path):
    namespace = f"test-{uuid.uuid4().hex}."
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(jobs_models.metadata.create_all)

    async def no_dead_letters(*_) -> None:
        raise AssertionError("nothing here is unhandleable")

    views = JobViews(redis_client, namespace)
    consumer = MessageConsumer("tenderflow-jobs", session_factory(engine), jobs_models.messaging,
                               jobs_consumers.routes(views), no_dead_letters, attempts=1)
    reader = reader_of(redis_url, namespace)
    accepted = (ingest.IngestPackage(package_key="k", filename="p.zip", size=1, sha256="x", request=JobRequest()),
                ingest.PackageAccepted(package_id="p", files=[FileVerdict(name="a.xml", accepted=True)]))
    try:
        await consumer.consume(record(accepted[0], 0))
        # Committed but not yet put (as after a crash right after the commit): the gateway asks the database.
        assert await reader.view(Unspent("t", 1), "job-1") is None
        await written(views)
        assert json.loads(await reader.view(Unspent("t", 1), "job-1"))["status"] == "queued"
        await consumer.consume(record(accepted[1], 1))
        await written(views)
        served = json.loads(await reader.view(Unspent("t", 1), "job-1"))
        async with session_factory(engine)() as session:
            [state] = (await jobs_repository.get_many(session, ["job-1"])).values()
        assert served == json.loads(projection.view(state, datetime.now(UTC)).model_dump_json())
        assert served["stage"] == "ingesting" and state.version == 2
    finally:
        await engine.dispose()


def record(message, offset: int) -> Record:
    envelope = Envelope.wrap(message, source="tests", tenant_id="t", job_id="job-1", message_id=f"m{offset}")
    return Record(topic=message.topic, partition=0, offset=offset, key=b"job-1", value=envelope.to_bytes())
