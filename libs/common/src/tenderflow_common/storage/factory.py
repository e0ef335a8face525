"""The configured storage backend, chosen from settings."""

from tenderflow_common.settings import StorageSettings
from tenderflow_common.storage.base import ObjectStore
from tenderflow_common.storage.local import LocalObjectStore


def open_store(settings: StorageSettings) -> ObjectStore:
    """The configured storage backend."""
    if settings.backend == "local":
        return LocalObjectStore(settings.root)
    if settings.backend == "s3":
        # Imported here so that processes on local storage never load aioboto3.
        from tenderflow_common.storage.s3 import S3ObjectStore

        return S3ObjectStore.from_settings(settings.s3)
    raise ValueError(f"unknown storage backend {settings.backend!r}")
