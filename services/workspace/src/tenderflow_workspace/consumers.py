"""Transport: workspace listens to ingest's events."""

import functools

from tenderflow_common.consumer import Route
from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.storage import ObjectStore
from tenderflow_workspace import handlers


def routes(store: ObjectStore, default_backend: str) -> list[Route]:
    return [Route(PackageIngested, functools.partial(handlers.index_package, default_backend=default_backend),
                  prepare=functools.partial(handlers.read_chunks, store=store),
                  on_give_up=handlers.indexing_failed)]
