"""A purged upload job takes its package's documents out of the workspace index; no other job owns them."""

from sqlalchemy import delete, select, update

from tenderflow_common.contracts.ingest import package_id_of
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_workspace.models import anythingllm_documents, anythingllm_syncs, chunks, documents, workspaces


async def job_purged(event: JobPurged, envelope: Envelope, uow: UnitOfWork) -> None:
    """Delete the job's indexed documents and chunks in the tenant's workspaces, its AnythingLLM syncs, and the
    workspaces' mention of it as their last job; a repeat finds nothing left to delete."""
    tenant_workspaces = select(workspaces.c.id).where(workspaces.c.tenant_id == envelope.tenantid)
    package_id = package_id_of(envelope.jobid)
    document_ids = select(documents.c.id).where(documents.c.package_id == package_id,
                                                documents.c.workspace_id.in_(tenant_workspaces))
    await uow.session.execute(delete(anythingllm_documents).where(
        anythingllm_documents.c.document_id.in_(document_ids)))
    await uow.session.execute(delete(chunks).where(chunks.c.package_id == package_id,
                                                   chunks.c.workspace_id.in_(tenant_workspaces)))
    await uow.session.execute(delete(documents).where(documents.c.id.in_(document_ids)))
    await uow.session.execute(delete(anythingllm_syncs).where(anythingllm_syncs.c.job_id == envelope.jobid,
                                                              anythingllm_syncs.c.tenant_id == envelope.tenantid))
    await uow.session.execute(update(workspaces).where(workspaces.c.tenant_id == envelope.tenantid,
                                                       workspaces.c.last_job_id == envelope.jobid)
                              .values(last_job_id=None))
