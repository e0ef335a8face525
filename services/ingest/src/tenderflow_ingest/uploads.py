"""Checking what another system's upload event points at, and measuring the object it names."""

import asyncio
import hashlib
import tempfile
from pathlib import Path

from tenderflow_common.consumer import Unprocessable
from tenderflow_common.storage import ObjectStore, StoredObject, key_belongs_to

CHUNK_BYTES = 1024 * 1024


def package_key(reference: str, tenant_id: str, s3_bucket: str | None = None) -> str:
    """The key an event names (`s3://` only on the configured S3 bucket); anything else is unprocessable."""
    key = reference
    if reference.startswith("s3://"):
        if s3_bucket is None:
            raise Unprocessable("s3 backend not configured")
        bucket, _, key = reference.removeprefix("s3://").partition("/")
        if bucket != s3_bucket:
            raise Unprocessable(f"bucket {bucket!r} is not the configured bucket")
    if not key_belongs_to(key, tenant_id):
        raise Unprocessable(f"object must be a storage key under tenants/{tenant_id}/")
    return key


async def measure(store: ObjectStore, key: str) -> StoredObject:
    """Size and SHA-256 of a stored object, read in chunks off the event loop; a download is removed after."""
    with tempfile.TemporaryDirectory(prefix="tenderflow-upload-") as scratch:
        try:
            path = await store.local_copy(key, Path(scratch))
        except FileNotFoundError as error:
            raise Unprocessable(f"object not found: {key}") from error
        return await asyncio.to_thread(_measure_file, key, path)


def _measure_file(key: str, path: Path) -> StoredObject:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return StoredObject(key=key, size=size, sha256=digest.hexdigest())
