"""Workspaces, documents and chunks in the workspace database."""

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.envelope import stable_id
from tenderflow_workspace.builtin import Chunk
from tenderflow_workspace.models import chunks, documents, workspaces


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
         "ordinal": c.ordinal}
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
                  page=r.page, path=r.path, row=r.row, ordinal=r.ordinal) for r in rows]
