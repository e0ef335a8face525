"""A deleted workspace's packages leave the ingest database and storage, files no row names included; another
workspace's or tenant's stay."""

from sqlalchemy import select

from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import tenant_key
from tenderflow_ingest.models import documents, packages
from tenderflow_ingest.testing.stored_packages import stored_package
from tenderflow_ingest.workspace_deletion import workspace_deleted

WORKSPACE_ID = "4d0f2f5e-6c1b-5a43-9d0e-2f1c8a7b3e11"


async def test_the_workspace_packages_files_and_rows_go_and_a_second_delivery_changes_nothing(ingest_database):
    sessions, store = ingest_database.sessions, ingest_database.store
    async with sessions() as session, session.begin():
        await stored_package(session, store, "acme", "by-name", workspace="harbour")
        await stored_package(session, store, "acme", "by-id", workspace=WORKSPACE_ID)
        await stored_package(session, store, "acme", "elsewhere", workspace="fjord")
        await stored_package(session, store, "globex", "other-tenant", workspace="harbour")
    # The text of a document whose row never committed (its replica was killed right after storing it).
    await store.put_bytes(tenant_key("acme", "packages", "by-id", "documents", "unnamed.json"), b"{}")
    event = WorkspaceDeleted(workspace_id=WORKSPACE_ID, name="harbour", package_ids=["by-name"])

    for _ in range(2):
        async with ingest_database.transaction() as uow:
            await workspace_deleted(event, Envelope.wrap(event, source="test", tenant_id="acme", job_id=WORKSPACE_ID),
                                    uow, store=store)
        async with sessions() as session:
            left = set((await session.execute(select(packages.c.id))).scalars())
            texts = set((await session.execute(select(documents.c.package_id))).scalars())
        assert left == texts == {"elsewhere", "other-tenant"}
        assert ingest_database.stored_files() == sorted([
            tenant_key("acme", "uploads", "elsewhere.zip"),
            tenant_key("acme", "packages", "elsewhere", "documents", "d.json"),
            tenant_key("globex", "uploads", "other-tenant.zip"),
            tenant_key("globex", "packages", "other-tenant", "documents", "d.json")])
