"""A purged upload job takes its package's documents out of the workspace index; no other job owns them."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from tenderflow_common.contracts.ingest import package_id_of
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_workspace import repository
from tenderflow_workspace.models import anythingllm_documents, anythingllm_syncs, chunks, documents, workspaces
from tenderflow_workspace.repository import PURGED
from tenderflow_workspace.syncing import QUEUE as SYNCS


async def job_purged(event: JobPurged, envelope: Envelope, uow: UnitOfWork,
                     wake_removal: Callable[[], None] = lambda: None) -> None:
    """Delete the job's indexed documents and chunks in the tenant's workspaces, its AnythingLLM syncs, and the
    workspaces' mention of it as their last job, and leave what AnythingLLM holds of them to a removal; a repeat
    finds nothing left to delete or remove. A sync holding its claim is marked purged instead of deleted: its
    holder may still be uploading, and the removal waits for it (see `removing`). The purge is remembered, so the
    job's package delivered later is not indexed."""
    await repository.remember_purge(uow.session, envelope.tenantid, envelope.jobid)
    tenant_workspaces = select(workspaces.c.id).where(workspaces.c.tenant_id == envelope.tenantid)
    package_id = package_id_of(envelope.jobid)
    document_ids = select(documents.c.id).where(documents.c.package_id == package_id,
                                                documents.c.workspace_id.in_(tenant_workspaces))
    syncs = (anythingllm_syncs.c.job_id == envelope.jobid) & (anythingllm_syncs.c.tenant_id == envelope.tenantid)
    if await _record_removals(uow, envelope, document_ids, syncs & anythingllm_syncs.c.purged_at.is_(None)):
        uow.after_commit(wake_removal)
    await uow.session.execute(delete(anythingllm_documents).where(
        anythingllm_documents.c.document_id.in_(document_ids)))
    await uow.session.execute(delete(chunks).where(chunks.c.package_id == package_id,
                                                   chunks.c.workspace_id.in_(tenant_workspaces)))
    await uow.session.execute(delete(documents).where(documents.c.id.in_(document_ids)))
    await uow.session.execute(update(anythingllm_syncs).where(syncs, anythingllm_syncs.c.status == SYNCS.active)
                              .values(status=PURGED, purged_at=datetime.now(UTC)))
    await uow.session.execute(delete(anythingllm_syncs).where(syncs, anythingllm_syncs.c.purged_at.is_(None)))
    await uow.session.execute(update(workspaces).where(workspaces.c.tenant_id == envelope.tenantid,
                                                       workspaces.c.last_job_id == envelope.jobid)
                              .values(last_job_id=None))


async def _record_removals(uow: UnitOfWork, envelope: Envelope, document_ids, syncs) -> bool:
    """One removal per workspace where AnythingLLM may hold the package's documents: those with a recorded
    location, and those of a sync that may have uploaded some before it ended or crashed; whether any was due."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    recorded = await uow.session.execute(select(anythingllm_documents.c.workspace_id,
                                                anythingllm_documents.c.document_id, anythingllm_documents.c.location)
                                         .where(anythingllm_documents.c.document_id.in_(document_ids)))
    for workspace_id, document_id, location in recorded:
        ids, locations = found.setdefault(workspace_id, (set(), set()))
        ids.add(document_id)
        locations.add(location)
    synced = await uow.session.execute(select(anythingllm_syncs.c.workspace_id, anythingllm_syncs.c.documents)
                                       .where(syncs))
    for workspace_id, sync_documents in synced:
        found.setdefault(workspace_id, (set(), set()))[0].update(d["document_id"] for d in sync_documents)
    for workspace_id, (ids, locations) in sorted(found.items()):
        await repository.add_removal(
            uow.session, id=repository.removal_id(envelope.jobid, workspace_id), job_id=envelope.jobid,
            tenant_id=envelope.tenantid, correlation_id=envelope.correlationid, cause_id=envelope.id,
            workspace_id=workspace_id, document_ids=sorted(ids), locations=sorted(locations))
    return bool(found)
