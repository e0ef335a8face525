"""A purged job's package leaves the ingest database and storage; the tenant's other packages and another
tenant's package of the same job id stay, and a second delivery changes nothing."""

from sqlalchemy import insert, select

from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.unit_of_work import transactions
from tenderflow_ingest import repository
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import cancelled_jobs, documents, messaging, packages
from tenderflow_ingest.package_deletion import job_purged
from tenderflow_ingest.repository import PackageTask


async def stored_package(session, store: LocalObjectStore, tenant: str, package_id: str, job_id: str) -> None:
    """A package with its upload and one extracted document in storage."""
    upload = tenant_key(tenant, "uploads", f"{package_id}.zip")
    text = tenant_key(tenant, "packages", package_id, "documents", "d.json")
    await store.put_bytes(upload, b"PK")
    await store.put_bytes(text, b"{}")
    await repository.add_package(session, PackageTask(
        id=package_id, job_id=job_id, tenant_id=tenant, correlation_id="c", causation_id="m",
        package_key=upload, filename="p.zip", request=JobRequest()))
    await session.execute(insert(documents).values(id=f"d-{package_id}", package_id=package_id, file="a.pdf",
                                                   doc_type="pdf", size=2, sha256="0" * 64, pages=1, units=1,
                                                   text_key=text))


async def test_the_jobs_package_files_and_rows_go_and_a_second_delivery_changes_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    store = LocalObjectStore(tmp_path / "storage")
    transaction = transactions(session_factory(engine), messaging)
    try:
        async with session_factory(engine)() as session, session.begin():
            await stored_package(session, store, "acme", "purged", "job-1")
            await stored_package(session, store, "acme", "kept", "job-2")
            await session.execute(insert(cancelled_jobs).values(job_id="job-1"))
        event = JobPurged(reason="deleted")
        envelope = Envelope.wrap(event, source="test", tenant_id="acme", job_id="job-1")
        foreign = Envelope.wrap(event, source="test", tenant_id="globex", job_id="job-2")

        for _ in range(2):
            async with transaction() as uow:
                await job_purged(event, envelope, uow, store=store)
                await job_purged(event, foreign, uow, store=store)  # another tenant cannot purge acme's job
            async with session_factory(engine)() as session:
                left = set((await session.execute(select(packages.c.id))).scalars())
                texts = set((await session.execute(select(documents.c.package_id))).scalars())
                cancelled = list((await session.execute(select(cancelled_jobs.c.job_id))).scalars())
            assert left == texts == {"kept"}
            assert cancelled == []
            files = sorted(path.relative_to(store.root).as_posix() for path in store.root.rglob("*") if path.is_file())
            assert files == sorted([tenant_key("acme", "uploads", "kept.zip"),
                                    tenant_key("acme", "packages", "kept", "documents", "d.json")])
    finally:
        await engine.dispose()
