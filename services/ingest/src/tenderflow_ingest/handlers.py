"""Use cases driven by messages: accept a package (uploaded or announced by another system), note a cancel."""

from collections.abc import Callable

from tenderflow_common import failures
from tenderflow_common.consumer import Unprocessable
from tenderflow_common.contracts.ingest import IngestPackage, PackageFailed, package_id_of
from tenderflow_common.contracts.jobs import JobCancelRequested
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.storage import ObjectStore, StoredObject, key_belongs_to
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_ingest import package_deletion, repository, uploads
from tenderflow_ingest.repository import PackageTask
from tenderflow_ingest.upload_sources import UploadSources

SOURCE = "tenderflow/ingest"


async def ingest_package(command: IngestPackage, envelope: Envelope, uow: UnitOfWork, *,
                         wake_worker: Callable[[], None], store: ObjectStore) -> None:
    """Record the package as pending; the pipeline worker takes it from there after commit."""
    if await repository.exists_for_job(uow.session, envelope.jobid):
        return
    if await repository.job_purged(uow.session, envelope.tenantid, envelope.jobid):
        await package_deletion.delete_purged_upload(store, envelope.tenantid, command.package_key)
        return
    if not key_belongs_to(command.package_key, envelope.tenantid):
        raise Unprocessable("package key lies outside the tenant's storage")
    await _record_package(command, envelope, uow, wake_worker)


async def package_failed(command: IngestPackage, envelope: Envelope, uow: UnitOfWork, reason: str) -> None:
    """The command was dead-lettered: end its job with the reason rather than leave it queued."""
    package_id = package_id_of(envelope.jobid)
    # The consumer words a give-up for the tenant (the refusal, or that it was set aside), so the reason is shown.
    await uow.emit(envelope.follow(PackageFailed(package_id=package_id, reason=f"The package was refused: {reason}",
                                                 code=failures.PACKAGE_REFUSED),
                                   source=SOURCE, message_id=stable_id(package_id, "failed")))


def admit_upload(record: Record, envelope: Envelope, *, sources: UploadSources) -> None:
    """Another system's event must prove its source (where it has a key) and name a tenant that source serves."""
    sources.admit(envelope.source, envelope.tenantid, record.value, record.headers)


async def measure_upload(event: UploadReceived, envelope: Envelope, *, store: ObjectStore,
                         s3_bucket: str | None) -> StoredObject:
    """Check what the event names and measure the stored object, before any transaction opens."""
    return await uploads.measure(store, uploads.package_key(event.object, envelope.tenantid, s3_bucket))


async def upload_received(event: UploadReceived, envelope: Envelope, uow: UnitOfWork, stored: StoredObject, *,
                          wake_worker: Callable[[], None], store: ObjectStore) -> None:
    """Send another system's stored package down the REST upload's path, once per idempotency key."""
    # Other systems cannot know our job ids; the command shows the job to the projection as an upload would.
    job_id = stable_id(envelope.tenantid, "upload", event.idempotency_key)
    if await repository.exists_for_job(uow.session, job_id):
        return
    if await repository.job_purged(uow.session, envelope.tenantid, job_id):
        # The same upload sent again after its job was purged: ingesting it would bring the job's data back.
        await package_deletion.delete_purged_upload(store, envelope.tenantid, stored.key)
        return
    key = stored.key
    filename = event.filename or key.rsplit("/", 1)[-1]
    command = IngestPackage(package_key=key, filename=filename, size=stored.size, sha256=stored.sha256,
                            request=event.request)
    ingest = Envelope.wrap(command, source=SOURCE, tenant_id=envelope.tenantid, job_id=job_id,
                           correlation_id=envelope.correlationid, causation_id=envelope.id, subject=filename,
                           message_id=stable_id(job_id, "ingest-package"))
    await uow.emit(ingest)
    await _record_package(command, ingest, uow, wake_worker)


async def _record_package(command: IngestPackage, envelope: Envelope, uow: UnitOfWork,
                          wake_worker: Callable[[], None]) -> None:
    await repository.add_package(uow.session, PackageTask(
        id=package_id_of(envelope.jobid), job_id=envelope.jobid, tenant_id=envelope.tenantid,
        correlation_id=envelope.correlationid, causation_id=envelope.id, package_key=command.package_key,
        filename=command.filename, request=command.request,
    ))
    uow.after_commit(wake_worker)


async def job_cancel_requested(event: JobCancelRequested, envelope: Envelope, uow: UnitOfWork) -> None:
    """Flag the job's package; the pipeline checks the flag between files and while reading."""
    await repository.request_cancel(uow.session, envelope.jobid)
