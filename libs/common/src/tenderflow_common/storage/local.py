"""The local storage backend: a directory tree under one root."""

import asyncio
import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from tenderflow_common.storage.base import StoredObject, UnsafeKey, check_key, hashed


class LocalObjectStore:
    """A directory tree; writes go to a temp file and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        """The file behind a key; never outside the root."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise UnsafeKey(f"key escapes the storage root: {key!r}")
        return path

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredObject:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        digest, size = hashlib.sha256(), 0
        try:
            with partial.open("wb") as out:
                async for chunk in hashed(chunks, max_bytes, digest):
                    size += len(chunk)
                    await asyncio.to_thread(out.write, chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def put_bytes(self, key: str, data: bytes) -> StoredObject:
        async def one_chunk() -> AsyncIterator[bytes]:
            yield data

        return await self.put_stream(key, one_chunk(), max_bytes=len(data))

    async def get_bytes(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path_of(key).read_bytes)

    async def local_copy(self, key: str, directory: Path | None = None) -> Path:
        path = self.path_of(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path

    async def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    async def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    async def delete_under(self, prefix: str) -> None:
        await asyncio.to_thread(shutil.rmtree, self.path_of(prefix), ignore_errors=True)
