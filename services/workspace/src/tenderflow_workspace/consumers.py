"""Transport: workspace listens to ingest's events."""

import functools

from tenderflow_common import topics
from tenderflow_common.consumer import Route
from tenderflow_common.contracts.ingest import PackageIngested
from tenderflow_common.storage import ObjectStore
from tenderflow_workspace import handlers

TOPICS = [topics.INGEST_EVENTS, topics.WORKSPACE_COMMANDS]


def routes(store: ObjectStore, default_backend: str) -> list[Route]:
    return [Route(PackageIngested, functools.partial(handlers.index_package, store=store,
                                                     default_backend=default_backend))]
