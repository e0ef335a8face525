"""A package deleted (with its workspace or its job) while one of its files is being extracted: the document's
commit is voided by the fencing check, and the text already stored for it is removed, since no row will name it."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import stable_id
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage import tenant_key
from tenderflow_common.storage.local import LocalObjectStore
from tenderflow_common.unit_of_work import transactions
from tenderflow_ingest import pipeline, repository
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import documents, messaging, packages
from tenderflow_ingest.pipeline import Pipeline, package_worker
from tenderflow_ingest.repository import PackageTask

pytestmark = pytest.mark.integration
PACKAGE_KEY = "tenants/acme/uploads/tender.zip"


def tender_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("terms.txt", "Tenders are due on 15 March 2026.\nThe contract has two lots.\n")
    return buffer.getvalue()


async def test_the_text_of_a_document_whose_package_was_deleted_meanwhile_is_removed(
        fresh_database_url: str, tmp_path: Path, monkeypatch) -> None:
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    sessions = session_factory(engine)
    store = LocalObjectStore(tmp_path / "store")
    await store.put_bytes(PACKAGE_KEY, tender_zip())
    extract = pipeline.extract_in_sandbox
    # The deletion is another consumer's transaction, on its own connections (as in a replica of its own).
    deleting_engine = create_engine(fresh_database_url)

    async def extract_while_the_package_is_deleted(*args, **kwargs):
        extraction = await extract(*args, **kwargs)
        async with session_factory(deleting_engine)() as session, session.begin():
            await session.execute(delete(documents).where(documents.c.package_id == "pkg-1"))
            await session.execute(delete(packages).where(packages.c.id == "pkg-1"))
        return extraction

    monkeypatch.setattr(pipeline, "extract_in_sandbox", extract_while_the_package_is_deleted)
    worker = package_worker(Pipeline(transactions(sessions, messaging), sessions, store, IngestLimits(),
                                     tmp_path / "work"))
    document_id = stable_id("pkg-1", "document", "terms.txt")
    text_key = tenant_key("acme", "packages", "pkg-1", "documents", f"{document_id}.json")
    try:
        async with sessions() as session, session.begin():
            await repository.add_package(session, PackageTask(
                id="pkg-1", job_id="job-1", tenant_id="acme", correlation_id="corr", causation_id="cmd",
                package_key=PACKAGE_KEY, filename="tender.zip", request=JobRequest(workspace="harbour")))
        assert await worker.run_next()

        assert not await store.exists(text_key)
        async with sessions() as session:
            assert (await session.scalars(select(packages.c.id))).all() == []
            assert (await session.scalars(select(documents.c.id))).all() == []
            payloads = (await session.scalars(select(messaging.outbox.c.payload))).all()
        assert payloads and not any(b"document-extracted" in payload for payload in payloads)  # accepted only
    finally:
        await deleting_engine.dispose()
        await engine.dispose()
