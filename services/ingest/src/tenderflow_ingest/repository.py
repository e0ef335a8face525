"""Packages and documents in the ingest database."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_ingest.models import cancelled_jobs, documents, packages

CLAIM_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class PackageTask:
    """A package waiting to be taken apart, with what its events need to carry."""

    id: str
    job_id: str
    tenant_id: str
    correlation_id: str
    command_id: str
    package_key: str
    filename: str
    request: JobRequest


async def exists_for_job(session: AsyncSession, job_id: str) -> bool:
    return await session.scalar(select(packages.c.id).where(packages.c.job_id == job_id)) is not None


async def add_package(session: AsyncSession, task: PackageTask) -> None:
    """A pending package; already flagged when its job was cancelled before it arrived."""
    await session.execute(insert(packages).values(
        id=task.id, job_id=task.job_id, tenant_id=task.tenant_id, correlation_id=task.correlation_id,
        command_id=task.command_id, package_key=task.package_key, filename=task.filename,
        request=task.request.model_dump(mode="json"), status="pending",
        cancel_requested=await job_cancelled(session, task.job_id),
    ))


async def claim_next(session: AsyncSession) -> PackageTask | None:
    """Take the oldest pending package, or one whose worker stopped holding it."""
    now = datetime.now(UTC)
    row = (await session.execute(
        select(packages).where(or_(packages.c.status == "pending",
                                   (packages.c.status == "processing") & (packages.c.claimed_at < now - CLAIM_LEASE)))
        .order_by(packages.c.created_at).limit(1).with_for_update(skip_locked=True)
    )).first()
    if row is None:
        return None
    await session.execute(update(packages).where(packages.c.id == row.id).values(status="processing", claimed_at=now))
    return PackageTask(id=row.id, job_id=row.job_id, tenant_id=row.tenant_id, correlation_id=row.correlation_id,
                       command_id=row.command_id, package_key=row.package_key, filename=row.filename,
                       request=JobRequest.model_validate(row.request))


async def finish(session: AsyncSession, package_id: str, status: str) -> None:
    await session.execute(update(packages).where(packages.c.id == package_id)
                          .values(status=status, finished_at=datetime.now(UTC)))


async def request_cancel(session: AsyncSession, job_id: str) -> None:
    """Flag the job's package, and remember the job in case its package has not arrived yet."""
    if await session.scalar(select(cancelled_jobs.c.job_id).where(cancelled_jobs.c.job_id == job_id)) is None:
        await session.execute(insert(cancelled_jobs).values(job_id=job_id))
    await session.execute(update(packages).where(packages.c.job_id == job_id).values(cancel_requested=True))


async def job_cancelled(session: AsyncSession, job_id: str) -> bool:
    return await session.scalar(select(cancelled_jobs.c.job_id).where(cancelled_jobs.c.job_id == job_id)) is not None


async def cancel_requested(session: AsyncSession, package_id: str, *, lock: bool = False) -> bool:
    """Whether the job was cancelled; with lock, no cancellation can slip in before the transaction ends."""
    query = select(packages.c.cancel_requested).where(packages.c.id == package_id)
    return bool(await session.scalar(query.with_for_update() if lock else query))


async def extracted_documents(session: AsyncSession, package_id: str) -> dict[str, dict]:
    """Documents already extracted for a package, by file name (for resuming after a crash)."""
    rows = await session.execute(select(documents).where(documents.c.package_id == package_id))
    return {row.file: dict(row._mapping) for row in rows}


async def add_document(session: AsyncSession, **values) -> None:
    await session.execute(insert(documents).values(**values))
