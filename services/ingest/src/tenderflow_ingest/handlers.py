"""Use cases driven by messages: accept a package for processing, note a cancellation."""

from collections.abc import Callable

from tenderflow_common.contracts.ingest import IngestPackage
from tenderflow_common.contracts.jobs import JobCancelRequested
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import key_belongs_to
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_ingest import repository
from tenderflow_ingest.repository import PackageTask

SOURCE = "tenderflow/ingest"


async def ingest_package(command: IngestPackage, envelope: Envelope, uow: UnitOfWork, *,
                         wake_worker: Callable[[], None]) -> None:
    """Record the package as pending; the pipeline worker takes it from there after commit."""
    if await repository.exists_for_job(uow.session, envelope.jobid):
        return
    if not key_belongs_to(command.package_key, envelope.tenantid):
        raise PermissionError("package key lies outside the tenant's storage")
    await repository.add_package(uow.session, PackageTask(
        id=stable_id(envelope.jobid, "package"), job_id=envelope.jobid, tenant_id=envelope.tenantid,
        correlation_id=envelope.correlationid, command_id=envelope.id, package_key=command.package_key,
        filename=command.filename, request=command.request,
    ))
    uow.after_commit(wake_worker)


async def job_cancel_requested(event: JobCancelRequested, envelope: Envelope, uow: UnitOfWork) -> None:
    """Flag the job's package; the pipeline checks the flag between files and while reading."""
    await repository.request_cancel(uow.session, envelope.jobid)
