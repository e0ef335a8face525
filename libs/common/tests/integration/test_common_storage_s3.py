"""The S3 backend against a real S3 API server (moto in server mode) on a loopback port."""

import hashlib
from collections.abc import AsyncIterator, Iterator

import pytest

from tenderflow_common.settings import S3Settings, StorageSettings
from tenderflow_common.storage import ObjectTooLarge, UnsafeKey, open_store, tenant_key
from tenderflow_common.storage.s3 import S3ObjectStore
from tenderflow_common.testing.s3 import create_bucket, s3_server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3 API server for this module, on a free loopback port."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
async def bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    name = "tf-" + "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:40]
    await create_bucket(s3_endpoint, name)
    return name


@pytest.fixture
def store(s3_endpoint: str, bucket: str) -> S3ObjectStore:
    settings = S3Settings(bucket=bucket, endpoint_url=s3_endpoint, access_key_id="testing",
                          secret_access_key="testing")
    return S3ObjectStore.from_settings(settings)


async def chunked(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


async def listing(store: S3ObjectStore) -> tuple[list[str], list[str]]:
    """Object keys and unfinished multipart uploads in the store's bucket."""
    async with store._client() as s3:
        objects = await s3.list_objects_v2(Bucket=store.bucket)
        uploads = await s3.list_multipart_uploads(Bucket=store.bucket)
    return ([o["Key"] for o in objects.get("Contents", [])], [u["Key"] for u in uploads.get("Uploads", [])])


async def test_small_object_round_trip(store):
    key = tenant_key("acme", "uploads", "small.zip")
    stored = await store.put_stream(key, chunked(b"PK\x03\x04hello", 3), max_bytes=100)
    assert stored.size == 9 and stored.sha256 == hashlib.sha256(b"PK\x03\x04hello").hexdigest()
    assert await store.exists(key)
    assert await store.get_bytes(key) == b"PK\x03\x04hello"
    assert not await store.exists(tenant_key("acme", "uploads", "other.zip"))


async def test_large_stream_goes_up_in_parts(store, tmp_path):
    store.part_bytes = 5 * 1024 * 1024
    data = bytes(range(256)) * (12 * 1024 * 1024 // 256 + 7)
    key = tenant_key("acme", "uploads", "large.zip")
    stored = await store.put_stream(key, chunked(data, 1024 * 1024 + 3), max_bytes=len(data))
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    copy = await store.local_copy(key, tmp_path)
    assert copy.is_relative_to(tmp_path) and copy.name == "large.zip"
    assert copy.read_bytes() == data
    assert await listing(store) == ([key], [])


async def test_put_bytes_get_bytes_and_delete(store):
    key = tenant_key("acme", "packages", "p1", "documents", "d1.json")
    stored = await store.put_bytes(key, b'{"units": []}')
    assert stored.size == 13
    assert await store.get_bytes(key) == b'{"units": []}'
    await store.delete(key)
    assert not await store.exists(key)
    await store.delete(key)


async def test_delete_under_takes_every_object_below_the_prefix_and_nothing_beside_it(store):
    below = [tenant_key("acme", "packages", "p1", "documents", f"d{n}.json") for n in range(3)]
    beside = [tenant_key("acme", "packages", "p10", "documents", "d0.json"), tenant_key("acme", "uploads", "p1.zip")]
    for key in below + beside:
        await store.put_bytes(key, b"{}")
    await store.delete_under(tenant_key("acme", "packages", "p1"))
    await store.delete_under(tenant_key("acme", "packages", "p1"))  # again: nothing left, no error
    assert sorted((await listing(store))[0]) == sorted(beside)


async def test_missing_objects_are_file_not_found(store):
    key = tenant_key("acme", "uploads", "nothing.zip")
    with pytest.raises(FileNotFoundError):
        await store.get_bytes(key)
    with pytest.raises(FileNotFoundError):
        await store.local_copy(key)


@pytest.mark.parametrize("part_bytes", [64, 5 * 1024 * 1024])
async def test_past_the_limit_nothing_is_kept(store, part_bytes):
    store.part_bytes = part_bytes
    key = tenant_key("acme", "uploads", "big.zip")
    size = 3 * 1024 * 1024 if part_bytes == 64 else 12 * 1024 * 1024
    with pytest.raises(ObjectTooLarge):
        await store.put_stream(key, chunked(b"x" * size, 256 * 1024), max_bytes=size - 1)
    assert not await store.exists(key)
    assert await listing(store) == ([], [])


async def test_a_failing_stream_leaves_nothing(store):
    store.part_bytes = 5 * 1024 * 1024

    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * (6 * 1024 * 1024)
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        await store.put_stream(tenant_key("acme", "uploads", "cut.zip"), broken(), max_bytes=10**9)
    assert await listing(store) == ([], [])


@pytest.mark.parametrize("key", [
    "tenants/acme/../globex/uploads/a.zip", "../tenants/acme/a.zip", "/tenants/acme/a.zip",
    "tenants/acme", "tenants//a.zip", "uploads/a.zip", "tenants/acme/uploads/.hidden",
    "tenants/acme/a\\..\\b",
])
async def test_keys_outside_a_tenant_prefix_are_refused(store, key):
    for call in (store.get_bytes(key), store.exists(key), store.local_copy(key), store.delete(key),
                 store.put_bytes(key, b"x"), store.put_stream(key, chunked(b"x", 1), max_bytes=10)):
        with pytest.raises(UnsafeKey):
            await call
    assert await listing(store) == ([], [])


def test_settings_choose_the_s3_backend(s3_endpoint, bucket, monkeypatch):
    monkeypatch.setenv("TENDERFLOW_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("TENDERFLOW_STORAGE_S3_BUCKET", bucket)
    monkeypatch.setenv("TENDERFLOW_STORAGE_S3_ENDPOINT_URL", s3_endpoint)
    settings = StorageSettings()
    store = open_store(settings)
    assert isinstance(store, S3ObjectStore) and store.bucket == bucket
    monkeypatch.delenv("TENDERFLOW_STORAGE_S3_BUCKET")
    with pytest.raises(ValueError, match="BUCKET"):
        StorageSettings()
