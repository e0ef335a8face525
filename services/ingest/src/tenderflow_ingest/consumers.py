"""Transport: which topics ingest listens to and which handler takes each message."""

import functools
from collections.abc import Callable

from tenderflow_common.consumer import Route
from tenderflow_common.contracts.ingest import IngestPackage
from tenderflow_common.contracts.jobs import JobCancelRequested, JobPurged
from tenderflow_common.contracts.uploads import UploadReceived
from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.storage import ObjectStore
from tenderflow_ingest import handlers, package_deletion, workspace_deletion
from tenderflow_ingest.upload_sources import UploadSources


def routes(wake_worker: Callable[[], None], store: ObjectStore, s3_bucket: str | None = None,
           sources: UploadSources | None = None) -> list[Route]:
    """`s3_bucket` is the configured bucket when storage is S3, so upload events may name `s3://` objects;
    `sources` says which system may upload for which tenant (any, when not given)."""
    sources = sources or UploadSources.any_source()
    return [
        Route(IngestPackage, functools.partial(handlers.ingest_package, wake_worker=wake_worker, store=store),
              on_give_up=handlers.package_failed),
        Route(UploadReceived, functools.partial(handlers.upload_received, wake_worker=wake_worker, store=store),
              prepare=functools.partial(handlers.measure_upload, store=store, s3_bucket=s3_bucket),
              admit=functools.partial(handlers.admit_upload, sources=sources)),
        Route(JobCancelRequested, handlers.job_cancel_requested),
        Route(WorkspaceDeleted, functools.partial(workspace_deletion.workspace_deleted, store=store)),
        Route(JobPurged, functools.partial(package_deletion.job_purged, store=store)),
    ]
