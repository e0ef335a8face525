"""A deleted workspace takes its packages with it: their rows, their uploaded archives and their extracted text."""

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import ObjectStore, key_belongs_to
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_ingest.models import documents, packages


async def workspace_deleted(event: WorkspaceDeleted, envelope: Envelope, uow: UnitOfWork, *,
                            store: ObjectStore) -> None:
    """Delete every package uploaded into the workspace, files first; a repeat finds nothing left to delete.

    Files go before the rows that name them, so a crash in between leaves rows to find the files by again."""
    package_ids = await workspace_packages(uow.session, envelope.tenantid, event)
    if not package_ids:
        return
    for key in await stored_keys(uow.session, package_ids):
        if key_belongs_to(key, envelope.tenantid):  # never another tenant's object, whatever a row says
            await store.delete(key)
    await uow.session.execute(delete(documents).where(documents.c.package_id.in_(package_ids)))
    await uow.session.execute(delete(packages).where(packages.c.id.in_(package_ids)))


async def workspace_packages(session: AsyncSession, tenant_id: str, event: WorkspaceDeleted) -> list[str]:
    """The tenant's packages indexed into the workspace, or whose upload named it (by name or id), indexed or not."""
    named = packages.c.request["workspace"].as_string()
    rows = await session.execute(select(packages.c.id).where(
        packages.c.tenant_id == tenant_id,
        or_(packages.c.id.in_(event.package_ids), named.in_([event.name, event.workspace_id]))))
    return list(rows.scalars())


async def stored_keys(session: AsyncSession, package_ids: list[str]) -> list[str]:
    uploads = await session.execute(select(packages.c.package_key).where(packages.c.id.in_(package_ids)))
    texts = await session.execute(select(documents.c.text_key).where(documents.c.package_id.in_(package_ids)))
    return [*uploads.scalars(), *texts.scalars()]
