"""Transport: workspace listens to ingest's events and to purged jobs."""

import functools
from collections.abc import Callable

from tenderflow_common.consumer import Route
from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.storage import ObjectStore
from tenderflow_workspace import handlers, job_purge


def routes(store: ObjectStore, default_backend: str, wake_sync: Callable[[], None] = lambda: None,
           wake_removal: Callable[[], None] = lambda: None) -> list[Route]:
    index = functools.partial(handlers.index_package, default_backend=default_backend, wake_sync=wake_sync)
    return [Route(PackageIngested, index,
                  prepare=functools.partial(handlers.read_chunks, store=store),
                  on_give_up=handlers.indexing_failed),
            Route(JobPurged, functools.partial(job_purge.job_purged, wake_removal=wake_removal))]
