"""A deleted workspace takes its runs and their answers with it, and no run asked for before then opens after."""

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_questions import repository
from tenderflow_questions.models import deleted_workspaces, runs


async def workspace_deleted(event: WorkspaceDeleted, envelope: Envelope, uow: UnitOfWork) -> None:
    """Remember the deletion, then delete the tenant's runs over the workspace and their answers; a repeat
    finds nothing left to delete.

    A run still answering finds its row gone and writes nothing more: its job was cancelled before the delete."""
    await remember_deletion(uow.session, envelope.tenantid, event.workspace_id, envelope.time)
    await repository.delete_runs(uow.session, runs.c.tenant_id == envelope.tenantid,
                                 runs.c.workspace_id == event.workspace_id)


async def remember_deletion(session: AsyncSession, tenant_id: str, workspace_id: str, at: datetime) -> None:
    """Keep the latest deletion time: an older deletion delivered again does not move it back."""
    if (previous := await last_deleted(session, tenant_id, workspace_id)) is not None and previous >= at:
        return
    await session.execute(delete(deleted_workspaces).where(deleted_workspaces.c.tenant_id == tenant_id,
                                                           deleted_workspaces.c.id == workspace_id))
    await session.execute(insert(deleted_workspaces).values(id=workspace_id, tenant_id=tenant_id, deleted_at=at))


async def last_deleted(session: AsyncSession, tenant_id: str, workspace_id: str) -> datetime | None:
    """When the tenant's workspace was last deleted, if this service has heard of it."""
    return await session.scalar(select(deleted_workspaces.c.deleted_at).where(
        deleted_workspaces.c.id == workspace_id, deleted_workspaces.c.tenant_id == tenant_id))
