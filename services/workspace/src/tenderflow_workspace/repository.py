"""Workspaces, documents and chunks in the workspace database."""

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.envelope import stable_id
from tenderflow_workspace.builtin import Chunk
from tenderflow_workspace.models import anythingllm_documents, anythingllm_syncs, chunks, documents, workspaces


async def ensure_workspace(session: AsyncSession, tenant_id: str, name: str, backend: str) -> dict:
    """The tenant's workspace with this name, created on first use."""
    row = (await session.execute(
        select(workspaces).where(workspaces.c.tenant_id == tenant_id, workspaces.c.name == name)
    )).first()
    if row is not None:
        return dict(row._mapping)
    values = {"id": stable_id(tenant_id, "workspace", name), "tenant_id": tenant_id, "name": name,
              "backend": backend}
    await session.execute(insert(workspaces).values(**values))
    return values


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
    await session.execute(insert(anythingllm_syncs).values(status="pending", cancel_requested=False, **values))


async def count_attempt(session: AsyncSession, sync_id: str) -> int:
    """One more try of a sync; how many there have been, this one included."""
    await session.execute(update(anythingllm_syncs).where(anythingllm_syncs.c.id == sync_id)
                          .values(attempts=anythingllm_syncs.c.attempts + 1))
    return await session.scalar(select(anythingllm_syncs.c.attempts).where(anythingllm_syncs.c.id == sync_id)) or 0


async def note_sync_error(session: AsyncSession, sync_id: str, error: str) -> None:
    await session.execute(update(anythingllm_syncs).where(anythingllm_syncs.c.id == sync_id)
                          .values(last_error=error[:500]))


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
