"""Packages of different tenants take turns on PostgreSQL: a large package past its slice hands the worker to
another tenant's waiting package and resumes after it without extracting any file twice; past its budget, the
files left get the verdict `time_budget_exceeded` and the package ends with what it has."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage.local import LocalObjectStore
from tenderflow_common.unit_of_work import transactions
from tenderflow_ingest import repository
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import documents, messaging, packages
from tenderflow_ingest.pipeline import Pipeline, Turns, package_worker
from tenderflow_ingest.repository import PackageTask

pytestmark = pytest.mark.integration
LARGE_FILES = 6


def package(files: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(files):
            archive.writestr(f"section-{number:02}.txt", f"Section {number}: tenders are due on 15 March 2026.\n")
    return buffer.getvalue()


@pytest.fixture
async def ingest(fresh_database_url: str, tmp_path: Path):
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    sessions = session_factory(engine)
    store = LocalObjectStore(tmp_path / "store")
    try:
        yield sessions, store, lambda turns: package_worker(Pipeline(
            transactions(sessions, messaging), sessions, store, IngestLimits(), tmp_path / "work", turns))
    finally:
        await engine.dispose()


async def add(sessions, store: LocalObjectStore, tenant: str, package_id: str, files: int) -> None:
    key = f"tenants/{tenant}/uploads/{package_id}.zip"
    await store.put_bytes(key, package(files))
    async with sessions() as session, session.begin():
        await repository.add_package(session, PackageTask(
            id=package_id, job_id=f"job-{package_id}", tenant_id=tenant, correlation_id="corr", causation_id="cmd",
            package_key=key, filename=f"{package_id}.zip", request=JobRequest()))


async def state(sessions, package_id: str) -> tuple[str, int]:
    async with sessions() as session:
        status = await session.scalar(select(packages.c.status).where(packages.c.id == package_id))
        extracted = await session.scalar(select(func.count()).select_from(documents)
                                         .where(documents.c.package_id == package_id))
    return status, extracted


async def ended_with(sessions, package_id: str) -> dict:
    async with sessions() as session:
        for payload in await session.scalars(select(messaging.outbox.c.payload)):
            event = json.loads(payload)
            if event["type"].split(".")[2] == "package-ingested" and event["data"]["package_id"] == package_id:
                return event["data"]
    raise AssertionError(f"{package_id} did not end ingested")


async def test_a_waiting_tenant_goes_between_the_slices_of_a_large_package(ingest) -> None:
    sessions, store, worker_with = ingest
    worker = worker_with(Turns(slice_seconds=0.001))
    await add(sessions, store, "acme", "large", LARGE_FILES)
    await add(sessions, store, "beta", "small", 1)  # waits behind the older large package
    assert await worker.run_next()

    status, extracted = await state(sessions, "large")
    assert status == "pending" and 1 <= extracted < LARGE_FILES, "the large package gave its turn away midway"
    assert await worker.run_next()
    assert await state(sessions, "small") == ("ingested", 1)
    assert (await state(sessions, "large"))[0] == "pending", "the small package went first"

    assert await worker.run_next()
    assert await state(sessions, "large") == ("ingested", LARGE_FILES)
    ended = await ended_with(sessions, "large")
    assert len(ended["documents"]) == LARGE_FILES and all(file["accepted"] for file in ended["files"])
    async with sessions() as session:
        claims, seconds = (await session.execute(select(packages.c.claims, packages.c.work_seconds)
                                                 .where(packages.c.id == "large"))).one()
    assert claims == 2 and seconds > 0


async def test_alone_a_package_keeps_its_turn_past_its_slices(ingest) -> None:
    sessions, store, worker_with = ingest
    await add(sessions, store, "acme", "large", 3)
    assert await worker_with(Turns(slice_seconds=0.001)).run_next()
    assert await state(sessions, "large") == ("ingested", 3)


async def test_past_its_budget_the_files_left_are_refused_and_the_package_ends_with_what_it_has(ingest) -> None:
    sessions, store, worker_with = ingest
    await add(sessions, store, "acme", "large", 4)
    assert await worker_with(Turns(budget_seconds=1e-9)).run_next()

    assert await state(sessions, "large") == ("ingested", 1)
    files = (await ended_with(sessions, "large"))["files"]
    assert [file["accepted"] for file in files] == [True, False, False, False]
    assert {file["code"] for file in files[1:]} == {"time_budget_exceeded"}
