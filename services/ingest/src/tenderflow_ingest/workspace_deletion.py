"""A deleted workspace takes its packages with it: their rows, their uploaded archives and their extracted text."""

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import ObjectStore
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_ingest.models import packages
from tenderflow_ingest.package_deletion import delete_packages


async def workspace_deleted(event: WorkspaceDeleted, envelope: Envelope, uow: UnitOfWork, *,
                            store: ObjectStore) -> None:
    """Delete every package uploaded into the workspace, files first; a repeat finds nothing left to delete."""
    package_ids = await workspace_packages(uow.session, envelope.tenantid, event)
    await delete_packages(uow.session, store, envelope.tenantid, package_ids)


async def workspace_packages(session: AsyncSession, tenant_id: str, event: WorkspaceDeleted) -> list[str]:
    """The tenant's packages indexed into the workspace, or whose upload named it (by name or id), indexed or not."""
    named = packages.c.request["workspace"].as_string()
    rows = await session.execute(select(packages.c.id).where(
        packages.c.tenant_id == tenant_id,
        or_(packages.c.id.in_(event.package_ids), named.in_([event.name, event.workspace_id]))))
    return list(rows.scalars())

