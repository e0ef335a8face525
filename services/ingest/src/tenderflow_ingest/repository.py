"""Packages and documents in the ingest database."""

from dataclasses import dataclass

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.remembered import is_remembered, remember
from tenderflow_common.telemetry import current_trace_headers
from tenderflow_common.work import Claimed
from tenderflow_ingest.models import cancelled_jobs, documents, packages, purged_jobs


@dataclass(frozen=True)
class PackageTask(Claimed):
    """A package waiting to be taken apart, with what its events need to carry."""

    package_key: str
    filename: str
    request: JobRequest


async def exists_for_job(session: AsyncSession, job_id: str) -> bool:
    return await session.scalar(select(packages.c.id).where(packages.c.job_id == job_id)) is not None


async def add_package(session: AsyncSession, task: PackageTask) -> None:
    """A pending package; already flagged when its job was cancelled before it arrived."""
    await session.execute(insert(packages).values(
        id=task.id, job_id=task.job_id, tenant_id=task.tenant_id, correlation_id=task.correlation_id,
        command_id=task.causation_id, package_key=task.package_key, filename=task.filename,
        request=task.request.model_dump(mode="json"), status="pending",
        cancel_requested=await job_cancelled(session, task.job_id), trace_context=current_trace_headers(),
    ))


def task_from_row(row: Row) -> PackageTask:
    """The claimed row as the pipeline's task."""
    return PackageTask(id=row.id, job_id=row.job_id, tenant_id=row.tenant_id, correlation_id=row.correlation_id,
                       causation_id=row.command_id, package_key=row.package_key, filename=row.filename,
                       request=JobRequest.model_validate(row.request))


async def request_cancel(session: AsyncSession, job_id: str) -> None:
    """Flag the job's package, and remember the job in case its package has not arrived yet."""
    await remember(session, cancelled_jobs, job_id=job_id)
    await session.execute(update(packages).where(packages.c.job_id == job_id).values(cancel_requested=True))


async def job_cancelled(session: AsyncSession, job_id: str) -> bool:
    return await is_remembered(session, cancelled_jobs, job_id=job_id)


async def remember_purge(session: AsyncSession, tenant_id: str, job_id: str) -> None:
    """Remember the purge, so a package or upload of the job that arrives later is deleted, not ingested."""
    await remember(session, purged_jobs, tenant_id=tenant_id, job_id=job_id)


async def job_purged(session: AsyncSession, tenant_id: str, job_id: str) -> bool:
    return await is_remembered(session, purged_jobs, tenant_id=tenant_id, job_id=job_id)


async def cancel_requested(session: AsyncSession, package_id: str, *, lock: bool = False) -> bool:
    """Whether the job was cancelled; with lock, no cancellation can slip in before the transaction ends."""
    query = select(packages.c.cancel_requested).where(packages.c.id == package_id)
    return bool(await session.scalar(query.with_for_update() if lock else query))


@dataclass
class Progress:
    """What earlier claims of a package did: documents extracted and files refused (by name), seconds spent."""

    documents: dict[str, dict]
    refusals: dict[str, dict]
    work_seconds: float


async def progress(session: AsyncSession, package_id: str) -> Progress:
    """Where a package stands, for resuming it after a crash or in its next slice."""
    rows = await session.execute(select(documents).where(documents.c.package_id == package_id))
    package = (await session.execute(select(packages.c.refusals, packages.c.work_seconds)
                                     .where(packages.c.id == package_id))).one()
    return Progress({row.file: dict(row._mapping) for row in rows}, package.refusals or {}, package.work_seconds)


async def record_work(session: AsyncSession, package_id: str, progress: Progress, seconds: float) -> None:
    """Count a file's extraction time against the package's budget, and keep its refusal if it had one."""
    progress.work_seconds += seconds
    await session.execute(update(packages).where(packages.c.id == package_id).values(
        work_seconds=packages.c.work_seconds + seconds, refusals=progress.refusals or None))


async def add_document(session: AsyncSession, **values) -> None:
    await session.execute(insert(documents).values(**values))
