"""Deleting packages whole: their uploaded archives and extracted text first, then their rows."""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import ObjectStore, key_belongs_to, tenant_key
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_ingest import repository
from tenderflow_ingest.models import cancelled_jobs, documents, packages


async def delete_packages(session: AsyncSession, store: ObjectStore, tenant_id: str, package_ids: list[str]) -> None:
    """Files go before the rows that name them, so a crash in between leaves rows to find the files by again."""
    if not package_ids:
        return
    for key in await stored_keys(session, package_ids):
        if key_belongs_to(key, tenant_id):  # never another tenant's object, whatever a row says
            await store.delete(key)
    for package_id in package_ids:
        # Also the text of a document whose row never committed (its replica was killed mid-file): no row names it.
        await store.delete_under(tenant_key(tenant_id, "packages", package_id))
    await session.execute(delete(documents).where(documents.c.package_id.in_(package_ids)))
    await session.execute(delete(packages).where(packages.c.id.in_(package_ids)))


async def stored_keys(session: AsyncSession, package_ids: list[str]) -> list[str]:
    uploads = await session.execute(select(packages.c.package_key).where(packages.c.id.in_(package_ids)))
    texts = await session.execute(select(documents.c.text_key).where(documents.c.package_id.in_(package_ids)))
    return [*uploads.scalars(), *texts.scalars()]


async def job_purged(event: JobPurged, envelope: Envelope, uow: UnitOfWork, *, store: ObjectStore) -> None:
    """Delete the job's package with its upload and extracted text, and remember the purge for a package that has
    not arrived yet; a repeat finds nothing left to delete."""
    package_ids = list((await uow.session.execute(select(packages.c.id).where(
        packages.c.job_id == envelope.jobid, packages.c.tenant_id == envelope.tenantid))).scalars())
    await delete_packages(uow.session, store, envelope.tenantid, package_ids)
    await uow.session.execute(delete(cancelled_jobs).where(cancelled_jobs.c.job_id == envelope.jobid))
    await repository.remember_purge(uow.session, envelope.tenantid, envelope.jobid)


async def delete_purged_upload(store: ObjectStore, tenant_id: str, package_key: str) -> None:
    """The upload of a job purged before its package arrived goes, and nothing of it is recorded."""
    if key_belongs_to(package_key, tenant_id):  # never another tenant's object, whatever a message says
        await store.delete(package_key)
