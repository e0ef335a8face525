"""Workspaces, documents and chunks in the workspace database."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.envelope import stable_id
from tenderflow_common.remembered import is_remembered, remember
from tenderflow_common.telemetry import current_trace_headers
from tenderflow_workspace.builtin import Chunk
from tenderflow_workspace.models import (
    anythingllm_documents,
    anythingllm_removals,
    anythingllm_syncs,
    chunks,
    deleted_workspaces,
    documents,
    purged_jobs,
    workspaces,
)

PURGED = "purged"  # a sync whose job was purged while it held its claim


async def ensure_workspace(session: AsyncSession, tenant_id: str, name_or_id: str,
                           backend: str) -> tuple[dict, bool]:
    """The tenant's workspace an upload names (by name, or else by id), created by that name on first use; and
    whether it was created now."""
    found = await find_workspace(session, tenant_id, name_or_id)
    if found is not None:
        return found, False
    return await create_workspace(session, tenant_id, name_or_id, backend, {}), True


async def find_workspace(session: AsyncSession, tenant_id: str, name_or_id: str) -> dict | None:
    """A name wins over an id, so a workspace named like another's id stays reachable by its name."""
    rows = (await session.execute(select(workspaces).where(
        workspaces.c.tenant_id == tenant_id, or_(workspaces.c.name == name_or_id, workspaces.c.id == name_or_id),
    ))).all()
    by_name = [row for row in rows if row.name == name_or_id]
    return dict((by_name or rows)[0]._mapping) if rows else None


async def create_workspace(session: AsyncSession, tenant_id: str, name: str, backend: str, settings: dict) -> dict:
    """A new workspace; its id follows from tenant and name, so two creators racing meet on one row."""
    values = {"id": stable_id(tenant_id, "workspace", name), "tenant_id": tenant_id, "name": name,
              "backend": backend, "settings": settings, "created_at": datetime.now(UTC)}
    await session.execute(insert(workspaces).values(**values))
    return values


async def name_taken(session: AsyncSession, tenant_id: str, name: str) -> bool:
    return await session.scalar(select(workspaces.c.id).where(
        workspaces.c.tenant_id == tenant_id, workspaces.c.name == name)) is not None


async def list_workspaces(session: AsyncSession, tenant_id: str, after: str | None, limit: int) -> list[dict]:
    """A page of the tenant's workspaces by name, starting after the name `after`."""
    query = select(workspaces).where(workspaces.c.tenant_id == tenant_id)
    if after is not None:
        query = query.where(workspaces.c.name > after)
    rows = await session.execute(query.order_by(workspaces.c.name).limit(limit))
    return [dict(row._mapping) for row in rows]


async def save_settings(session: AsyncSession, workspace_id: str, settings: dict) -> None:
    await session.execute(update(workspaces).where(workspaces.c.id == workspace_id)
                          .values(settings=settings, updated_at=datetime.now(UTC)))


async def note_last_job(session: AsyncSession, workspace_id: str, job_id: str) -> None:
    await session.execute(update(workspaces).where(workspaces.c.id == workspace_id).values(last_job_id=job_id))


@dataclass
class Holdings:
    """What a workspace holds: documents, chunks, and its AnythingLLM syncs' statuses newest first."""

    documents: int = 0
    chunks: int = 0
    sync_statuses: list[str] = field(default_factory=list)


async def holdings(session: AsyncSession, workspace_ids: list[str]) -> dict[str, Holdings]:
    """Each workspace's holdings, in three queries whatever the number of workspaces."""
    found = {workspace_id: Holdings() for workspace_id in workspace_ids}
    for table, counter in ((documents, "documents"), (chunks, "chunks")):
        counted = await session.execute(select(table.c.workspace_id, func.count()).where(
            table.c.workspace_id.in_(workspace_ids)).group_by(table.c.workspace_id))
        for workspace_id, count in counted:
            setattr(found[workspace_id], counter, count)
    syncs = await session.execute(select(anythingllm_syncs.c.workspace_id, anythingllm_syncs.c.status).where(
        anythingllm_syncs.c.workspace_id.in_(workspace_ids)).order_by(anythingllm_syncs.c.created_at.desc()))
    for workspace_id, status in syncs:
        found[workspace_id].sync_statuses.append(status)
    return found


async def package_ids(session: AsyncSession, workspace_id: str) -> list[str]:
    rows = await session.execute(select(documents.c.package_id).where(documents.c.workspace_id == workspace_id)
                                 .distinct().order_by(documents.c.package_id))
    return list(rows.scalars())


async def delete_workspace(session: AsyncSession, workspace: dict) -> None:
    """The workspace and every row of it, children before parents, leaving when it was deleted."""
    for table in (anythingllm_documents, anythingllm_syncs, chunks, documents):
        await session.execute(delete(table).where(table.c.workspace_id == workspace["id"]))
    await session.execute(delete(workspaces).where(workspaces.c.id == workspace["id"]))
    await session.execute(delete(deleted_workspaces).where(deleted_workspaces.c.id == workspace["id"]))
    await session.execute(insert(deleted_workspaces).values(id=workspace["id"], tenant_id=workspace["tenant_id"],
                                                            name=workspace["name"], deleted_at=datetime.now(UTC)))


async def last_deleted(session: AsyncSession, tenant_id: str, name_or_id: str) -> datetime | None:
    """When the tenant's workspace of this name or id was last deleted, if ever."""
    return await session.scalar(select(func.max(deleted_workspaces.c.deleted_at)).where(
        deleted_workspaces.c.tenant_id == tenant_id,
        or_(deleted_workspaces.c.name == name_or_id, deleted_workspaces.c.id == name_or_id)))


async def workspace_for_tenant(session: AsyncSession, workspace_id: str, tenant_id: str) -> dict | None:
    row = (await session.execute(
        select(workspaces).where(workspaces.c.id == workspace_id, workspaces.c.tenant_id == tenant_id)
    )).first()
    return dict(row._mapping) if row else None


async def indexed_document_ids(session: AsyncSession, document_ids: list[str]) -> set[str]:
    rows = await session.execute(select(documents.c.id).where(documents.c.id.in_(document_ids)))
    return set(rows.scalars())


async def add_document(session: AsyncSession, **values) -> None:
    await session.execute(insert(documents).values(**values))


async def add_chunks(session: AsyncSession, workspace_id: str, package_id: str, new_chunks: list[Chunk]) -> None:
    if not new_chunks:
        return
    await session.execute(insert(chunks), [
        {"id": c.chunk_id, "workspace_id": workspace_id, "package_id": package_id, "document_id": c.document_id,
         "file": c.file, "doc_type": c.doc_type, "text": c.text, "page": c.page, "path": c.path, "row": c.row,
         "ordinal": c.ordinal, "language": c.language}
        for c in new_chunks
    ])


async def count_chunks(session: AsyncSession, workspace_id: str, package_id: str | None) -> int:
    query = select(func.count()).select_from(chunks).where(chunks.c.workspace_id == workspace_id)
    if package_id:
        query = query.where(chunks.c.package_id == package_id)
    return await session.scalar(query) or 0


async def load_chunks(session: AsyncSession, workspace_id: str, package_id: str | None) -> list[Chunk]:
    query = select(chunks).where(chunks.c.workspace_id == workspace_id)
    if package_id:
        query = query.where(chunks.c.package_id == package_id)
    rows = await session.execute(query.order_by(chunks.c.document_id, chunks.c.ordinal))
    return [Chunk(chunk_id=r.id, document_id=r.document_id, file=r.file, doc_type=r.doc_type, text=r.text,
                  page=r.page, path=r.path, row=r.row, ordinal=r.ordinal, language=r.language) for r in rows]


async def sync_exists(session: AsyncSession, sync_id: str) -> bool:
    return await session.scalar(select(anythingllm_syncs.c.id).where(anythingllm_syncs.c.id == sync_id)) is not None


async def add_sync(session: AsyncSession, **values) -> None:
    await session.execute(insert(anythingllm_syncs).values(status="pending", cancel_requested=False,
                                                           trace_context=current_trace_headers(), **values))


async def count_attempt(session: AsyncSession, tasks: Table, task_id: str) -> int:
    """One more try of a sync or removal; how many there have been, this one included."""
    await session.execute(update(tasks).where(tasks.c.id == task_id).values(attempts=tasks.c.attempts + 1))
    return await session.scalar(select(tasks.c.attempts).where(tasks.c.id == task_id)) or 0


async def note_error(session: AsyncSession, tasks: Table, task_id: str, error: str) -> None:
    await session.execute(update(tasks).where(tasks.c.id == task_id).values(last_error=error[:500]))


async def last_sync_error(session: AsyncSession, sync_id: str) -> str | None:
    return await session.scalar(select(anythingllm_syncs.c.last_error).where(anythingllm_syncs.c.id == sync_id))


async def workspace_by_id(session: AsyncSession, workspace_id: str) -> dict | None:
    row = (await session.execute(select(workspaces).where(workspaces.c.id == workspace_id))).first()
    return dict(row._mapping) if row else None


async def record_remote_locations(session: AsyncSession, workspace_id: str, locations: dict[str, str]) -> None:
    """Where AnythingLLM keeps each uploaded document; a document already recorded keeps its row."""
    known = set((await session.execute(select(anythingllm_documents.c.document_id).where(
        anythingllm_documents.c.document_id.in_(list(locations))))).scalars())
    new = [{"document_id": d, "workspace_id": workspace_id, "location": loc} for d, loc in locations.items()
           if d not in known]
    if new:
        await session.execute(insert(anythingllm_documents), new)


async def count_documents(session: AsyncSession, workspace_id: str, package_id: str) -> int:
    return await session.scalar(select(func.count()).select_from(documents).where(
        documents.c.workspace_id == workspace_id, documents.c.package_id == package_id)) or 0


async def remember_purge(session: AsyncSession, tenant_id: str, job_id: str) -> None:
    """Remember the purge, so a package of the job delivered later is not indexed."""
    await remember(session, purged_jobs, tenant_id=tenant_id, job_id=job_id)


async def job_purged(session: AsyncSession, tenant_id: str, job_id: str) -> bool:
    return await is_remembered(session, purged_jobs, tenant_id=tenant_id, job_id=job_id)


def removal_id(job_id: str, workspace_id: str) -> str:
    """One removal per purged job and workspace, whether the purge or a sync that outlived it records it."""
    return stable_id(job_id, "anythingllm-removal", workspace_id)


async def sync_purged(session: AsyncSession, sync_id: str) -> bool:
    """Whether the sync's job was purged while it ran; the row stays locked, so a purge lands wholly before or
    after the sync's end."""
    status = await session.scalar(select(anythingllm_syncs.c.status).where(anythingllm_syncs.c.id == sync_id)
                                  .with_for_update())
    return status == PURGED


async def sync_uploading(session: AsyncSession, job_id: str, tenant_id: str, workspace_id: str,
                         renewed_since: datetime) -> bool:
    """Whether a sync of the purged job into the workspace has not ended and still holds its claim (renewed since
    `renewed_since`), so it may still be uploading."""
    syncs = anythingllm_syncs.c
    return await session.scalar(select(syncs.id).where(
        syncs.job_id == job_id, syncs.tenant_id == tenant_id, syncs.workspace_id == workspace_id,
        syncs.status == PURGED, syncs.finished_at.is_(None), syncs.claimed_at >= renewed_since).limit(1)) is not None


async def reopen_removal(session: AsyncSession, **values) -> None:
    """Run the removal (again) with these documents added: pending at once, recorded if it is not there, and its
    claim count raised, so a removal in flight cannot end before this one has looked at the server again."""
    removals = anythingllm_removals.c
    row = (await session.execute(select(removals.document_ids, removals.locations)
                                 .where(removals.id == values["id"]).with_for_update())).first()
    if row is None:
        await add_removal(session, **values)
        return
    await session.execute(update(anythingllm_removals).where(removals.id == values["id"]).values(
        status="pending", finished_at=None, claims=removals.claims + 1,
        document_ids=sorted({*row.document_ids, *values["document_ids"]}),
        locations=sorted({*row.locations, *values["locations"]})))


async def add_removal(session: AsyncSession, **values) -> None:
    """A pending removal, once: a second delivery of the same purge finds it there."""
    if await session.scalar(select(anythingllm_removals.c.id).where(anythingllm_removals.c.id == values["id"])):
        return
    await session.execute(insert(anythingllm_removals).values(status="pending", cancel_requested=False,
                                                              trace_context=current_trace_headers(), **values))
