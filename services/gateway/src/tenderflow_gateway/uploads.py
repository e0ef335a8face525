"""Moving an uploaded package into object storage without holding it in memory."""

from collections.abc import AsyncIterator

from fastapi import UploadFile

from tenderflow_common.problems import Problem
from tenderflow_common.storage import ObjectStore, ObjectTooLarge, StoredObject

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK_BYTES = 1024 * 1024


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


async def check_is_zip(upload: UploadFile) -> None:
    """Refuse anything whose bytes do not start like a ZIP, whatever its name or content type says."""
    head = await upload.read(4)
    await upload.seek(0)
    if not head.startswith(ZIP_SIGNATURES):
        raise Problem(415, "Not a ZIP archive", "A package must be a ZIP file; its first bytes say otherwise.",
                      kind="unsupported-media-type")


async def store_upload(store: ObjectStore, key: str, upload: UploadFile, max_bytes: int) -> StoredObject:
    """Copy the upload to storage in chunks, counting real bytes, and refuse it past the limit."""
    try:
        return await store.put_stream(key, _chunks(upload), max_bytes=max_bytes)
    except ObjectTooLarge as error:
        raise Problem(413, "Package too large", f"The upload limit is {max_bytes} bytes.",
                      kind="payload-too-large", limit_bytes=max_bytes) from error
