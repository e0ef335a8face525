"""Object storage behind one interface; keys always live under their tenant's prefix.

The S3 backend lives in `tenderflow_common.storage.s3` and is imported only when configured.
"""

from tenderflow_common.storage.base import (
    ObjectStore,
    ObjectTooLarge,
    StoredObject,
    UnsafeKey,
    check_key,
    key_belongs_to,
    tenant_key,
)
from tenderflow_common.storage.factory import open_store
from tenderflow_common.storage.local import LocalObjectStore

__all__ = [
    "LocalObjectStore",
    "ObjectStore",
    "ObjectTooLarge",
    "StoredObject",
    "UnsafeKey",
    "check_key",
    "key_belongs_to",
    "open_store",
    "tenant_key",
]
