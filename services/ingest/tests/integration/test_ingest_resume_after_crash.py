"""A package whose worker died after some of its events were written resumes on PostgreSQL and ends ingested:
the events it emits again keep their ids and are skipped, never a unique violation that fails the job."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage.local import LocalObjectStore
from tenderflow_common.unit_of_work import transactions
from tenderflow_ingest import repository
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import messaging, packages
from tenderflow_ingest.pipeline import Pipeline, package_worker
from tenderflow_ingest.repository import PackageTask

pytestmark = pytest.mark.integration
PACKAGE_KEY = "tenants/acme/uploads/tender.zip"


def small_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notice.json", json.dumps({"title": "Road maintenance", "deadline": "2026-03-15"}))
        archive.writestr("terms.txt", "Tenders are due on 15 March 2026.\nThe contract has two lots.\n")
    return buffer.getvalue()


async def outbox_types(sessions) -> list[str]:
    async with sessions() as session:
        payloads = await session.scalars(select(messaging.outbox.c.payload).order_by(messaging.outbox.c.id))
        return [json.loads(payload)["type"].split(".")[2] for payload in payloads]


async def test_a_package_resumed_after_its_worker_died_ends_ingested(fresh_database_url: str, tmp_path: Path) -> None:
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    sessions = session_factory(engine)
    store = LocalObjectStore(tmp_path / "store")
    await store.put_bytes(PACKAGE_KEY, small_package())
    worker = package_worker(Pipeline(transactions(sessions, messaging), sessions, store, IngestLimits(),
                                     tmp_path / "work"))
    try:
        async with sessions() as session, session.begin():
            await repository.add_package(session, PackageTask(
                id="pkg-1", job_id="job-1", tenant_id="acme", correlation_id="corr", causation_id="cmd",
                package_key=PACKAGE_KEY, filename="tender.zip", request=JobRequest()))
        assert await worker.run_next()
        assert await outbox_types(sessions) == ["package-accepted", "document-extracted", "document-extracted",
                                                "package-ingested"]

        # The worker died before its last commit: the end state and its event never happened, the lease ran out.
        async with sessions() as session, session.begin():
            await session.execute(delete(messaging.outbox).where(messaging.outbox.c.id == select(
                func.max(messaging.outbox.c.id)).scalar_subquery()))
            await session.execute(update(packages).values(
                status="processing", finished_at=None, claimed_at=datetime.now(UTC) - timedelta(minutes=1)))
        assert await worker.run_next()

        async with sessions() as session:
            assert await session.scalar(select(packages.c.status)) == "ingested"
        assert await outbox_types(sessions) == ["package-accepted", "document-extracted", "document-extracted",
                                                "package-ingested"]
    finally:
        await engine.dispose()
