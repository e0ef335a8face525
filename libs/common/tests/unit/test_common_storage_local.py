"""The local storage backend: atomic writes, the size limit, and keys that stay under a tenant's prefix."""

from collections.abc import AsyncIterator

import pytest

from tenderflow_common.storage import LocalObjectStore, ObjectTooLarge, UnsafeKey, check_key, tenant_key


async def chunked(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


async def test_round_trip_and_delete(tmp_path):
    store = LocalObjectStore(tmp_path)
    key = tenant_key("acme", "uploads", "a.zip")
    stored = await store.put_stream(key, chunked(b"PK\x03\x04" * 100, 7), max_bytes=400)
    assert stored.size == 400
    assert await store.get_bytes(key) == b"PK\x03\x04" * 100
    assert (await store.local_copy(key)) == tmp_path / key
    await store.delete(key)
    assert not await store.exists(key)
    await store.delete(key)


async def test_delete_under_takes_every_object_below_the_prefix_and_nothing_beside_it(tmp_path):
    store = LocalObjectStore(tmp_path)
    below = [tenant_key("acme", "packages", "p1", "documents", f"d{n}.json") for n in range(3)]
    beside = [tenant_key("acme", "packages", "p10", "documents", "d0.json"), tenant_key("acme", "uploads", "p1.zip")]
    for key in below + beside:
        await store.put_bytes(key, b"{}")
    await store.delete_under(tenant_key("acme", "packages", "p1"))
    await store.delete_under(tenant_key("acme", "packages", "p1"))  # again: nothing left, no error
    assert [await store.exists(key) for key in below + beside] == [False] * 3 + [True] * 2
    with pytest.raises(UnsafeKey):
        await store.delete_under("tenants/acme/..")


async def test_past_the_limit_nothing_is_kept(tmp_path):
    store = LocalObjectStore(tmp_path)
    key = tenant_key("acme", "uploads", "big.zip")
    with pytest.raises(ObjectTooLarge):
        await store.put_stream(key, chunked(b"x" * 1000, 64), max_bytes=999)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("key", ["tenants/acme/../globex/a.zip", "../a.zip", "/etc/passwd", "tenants/acme",
                                 "uploads/a.zip", "tenants/acme/.a", "tenants/acme//a.zip", ""])
async def test_unsafe_keys_are_refused(tmp_path, key):
    store = LocalObjectStore(tmp_path)
    with pytest.raises(UnsafeKey):
        check_key(key)
    with pytest.raises(UnsafeKey):
        await store.put_bytes(key, b"x")
    with pytest.raises(UnsafeKey):
        await store.exists(key)
