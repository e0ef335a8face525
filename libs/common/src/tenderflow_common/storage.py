"""Object storage behind one interface; keys always live under their tenant's prefix."""

import asyncio
import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class ObjectTooLarge(Exception):
    """A streamed object passed its size limit; nothing was kept."""


class UnsafeKey(ValueError):
    """A key would leave its tenant's prefix or the storage root."""


@dataclass(frozen=True)
class StoredObject:
    """What was written: where, how big, and its content hash."""

    key: str
    size: int
    sha256: str


def tenant_key(tenant_id: str, *parts: str) -> str:
    """Build `tenants/<tenant>/<parts...>`, refusing any part that could traverse."""
    for part in (tenant_id, *parts):
        if not SAFE_PART.match(part) or part in {".", ".."}:
            raise UnsafeKey(f"unsafe key part: {part!r}")
    return "/".join(("tenants", tenant_id, *parts))


def key_belongs_to(key: str, tenant_id: str) -> bool:
    """Whether a key sits under the tenant's prefix and contains no traversal."""
    parts = key.split("/")
    return (len(parts) >= 3 and parts[0] == "tenants" and parts[1] == tenant_id
            and all(SAFE_PART.match(p) and p not in {".", ".."} for p in parts[1:]))


class ObjectStore(Protocol):
    """What services need from storage."""

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredObject: ...

    async def put_bytes(self, key: str, data: bytes) -> StoredObject: ...

    async def get_bytes(self, key: str) -> bytes: ...

    async def local_copy(self, key: str) -> Path: ...

    async def exists(self, key: str) -> bool: ...


class LocalObjectStore:
    """A directory tree; writes go to a temp file and are renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        """The file behind a key; never outside the root."""
        path = (self.root / key).resolve()
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
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise ObjectTooLarge(f"object is larger than {max_bytes} bytes")
                    digest.update(chunk)
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

    async def local_copy(self, key: str) -> Path:
        path = self.path_of(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path

    async def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()


def open_store(backend: str, root: Path) -> ObjectStore:
    """The configured storage backend."""
    if backend == "local":
        return LocalObjectStore(root)
    raise ValueError(f"unknown storage backend {backend!r}")
