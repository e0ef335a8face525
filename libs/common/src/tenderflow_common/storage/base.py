"""What every storage backend shares: the interface, tenant-scoped keys and the size-limited, hashing stream."""

import re
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


def _safe(part: str) -> bool:
    return bool(SAFE_PART.match(part)) and part not in {".", ".."}


def tenant_key(tenant_id: str, *parts: str) -> str:
    """Build `tenants/<tenant>/<parts...>`, refusing any part that could traverse."""
    for part in (tenant_id, *parts):
        if not _safe(part):
            raise UnsafeKey(f"unsafe key part: {part!r}")
    return "/".join(("tenants", tenant_id, *parts))


def key_belongs_to(key: str, tenant_id: str) -> bool:
    """Whether a key sits under the tenant's prefix and contains no traversal."""
    parts = key.split("/")
    return len(parts) >= 3 and parts[0] == "tenants" and parts[1] == tenant_id and all(map(_safe, parts[1:]))


def check_key(key: str) -> str:
    """Refuse a key that is not `tenants/<tenant>/<name...>` made of safe parts; every backend calls this."""
    parts = key.split("/")
    if not key_belongs_to(key, parts[1] if len(parts) > 1 else ""):
        raise UnsafeKey(f"key is not under a tenant's prefix: {key!r}")
    return key


class ObjectStore(Protocol):
    """What services need from storage."""

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredObject:
        """Store the chunks as one object, all or nothing; `ObjectTooLarge` past `max_bytes`."""

    async def put_bytes(self, key: str, data: bytes) -> StoredObject: ...

    async def get_bytes(self, key: str) -> bytes: ...

    async def local_copy(self, key: str, directory: Path | None = None) -> Path:
        """A file with the object's bytes. Remote backends download it (into `directory` when given) and
        the caller removes it; the local backend returns its own file, which the caller must not touch."""

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove an object; a missing one is not an error."""

    async def delete_under(self, prefix: str) -> None:
        """Remove every object whose key continues `prefix` (a key's leading parts), named by a row or not."""


async def hashed(chunks: AsyncIterator[bytes], max_bytes: int, digest) -> AsyncIterator[bytes]:
    """Pass chunks through, feeding the digest and refusing more than `max_bytes` in total."""
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise ObjectTooLarge(f"object is larger than {max_bytes} bytes")
        digest.update(chunk)
        yield chunk
