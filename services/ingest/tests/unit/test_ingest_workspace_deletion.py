"""A deleted workspace's packages leave the ingest database and storage, files no row names included; another
workspace's or tenant's stay."""

from sqlalchemy import insert, select

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage import LocalObjectStore, tenant_key
from tenderflow_common.unit_of_work import transactions
from tenderflow_ingest import repository
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import documents, messaging, packages
from tenderflow_ingest.repository import PackageTask
from tenderflow_ingest.workspace_deletion import workspace_deleted

WORKSPACE_ID = "4d0f2f5e-6c1b-5a43-9d0e-2f1c8a7b3e11"


async def stored_package(session, store: LocalObjectStore, tenant: str, package_id: str, workspace: str) -> None:
    """A package with its upload and one extracted document in storage."""
    upload = tenant_key(tenant, "uploads", f"{package_id}.zip")
    text = tenant_key(tenant, "packages", package_id, "documents", "d.json")
    await store.put_bytes(upload, b"PK")
    await store.put_bytes(text, b"{}")
    await repository.add_package(session, PackageTask(
        id=package_id, job_id=f"job-{package_id}", tenant_id=tenant, correlation_id="c", causation_id="m",
        package_key=upload, filename="p.zip", request=JobRequest(workspace=workspace)))
    await session.execute(insert(documents).values(id=f"d-{package_id}", package_id=package_id, file="a.pdf",
                                                   doc_type="pdf", size=2, sha256="0" * 64, pages=1, units=1,
                                                   text_key=text))


async def test_the_workspace_packages_files_and_rows_go_and_a_second_delivery_changes_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    store = LocalObjectStore(tmp_path / "storage")
    transaction = transactions(session_factory(engine), messaging)
    try:
        async with session_factory(engine)() as session, session.begin():
            await stored_package(session, store, "acme", "by-name", "harbour")
            await stored_package(session, store, "acme", "by-id", WORKSPACE_ID)
            await stored_package(session, store, "acme", "elsewhere", "fjord")
            await stored_package(session, store, "globex", "other-tenant", "harbour")
        # The text of a document whose row never committed (its replica was killed right after storing it).
        await store.put_bytes(tenant_key("acme", "packages", "by-id", "documents", "unnamed.json"), b"{}")
        event = WorkspaceDeleted(workspace_id=WORKSPACE_ID, name="harbour", package_ids=["by-name"])

        for _ in range(2):
            async with transaction() as uow:
                await workspace_deleted(event, Envelope.wrap(event, source="test", tenant_id="acme",
                                                             job_id=WORKSPACE_ID), uow, store=store)
            async with session_factory(engine)() as session:
                left = set((await session.execute(select(packages.c.id))).scalars())
                texts = set((await session.execute(select(documents.c.package_id))).scalars())
            assert left == texts == {"elsewhere", "other-tenant"}
            files = sorted(path.relative_to(store.root).as_posix() for path in store.root.rglob("*") if path.is_file())
            assert files == sorted([tenant_key("acme", "uploads", "elsewhere.zip"),
                                    tenant_key("acme", "packages", "elsewhere", "documents", "d.json"),
                                    tenant_key("globex", "uploads", "other-tenant.zip"),
                                    tenant_key("globex", "packages", "other-tenant", "documents", "d.json")])
    finally:
        await engine.dispose()
