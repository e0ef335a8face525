"""The S3 storage backend (aioboto3): the same keys and limits as the local one, in a bucket."""

import asyncio
import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import aioboto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tenderflow_common.settings import S3Settings
from tenderflow_common.storage.base import StoredObject, check_key, hashed

# S3 wants every part of a multipart upload but the last to be at least 5 MiB; this bounds memory per upload.
PART_BYTES = 8 * 1024 * 1024
DOWNLOAD_CHUNK_BYTES = 1024 * 1024
MISSING = {"404", "NoSuchKey", "NotFound"}


class S3ObjectStore:
    """Objects in one bucket; an upload becomes visible only once complete, so nothing partial is left."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str = "us-east-1",
                 access_key_id: str | None = None, secret_access_key: str | None = None,
                 part_bytes: int = PART_BYTES) -> None:
        self.bucket = bucket
        self.part_bytes = part_bytes
        self._endpoint_url = endpoint_url
        self._session = aioboto3.Session(aws_access_key_id=access_key_id,
                                         aws_secret_access_key=secret_access_key, region_name=region)
        # S3 API servers other than AWS usually serve buckets by path, not by host name.
        self._config = Config(s3={"addressing_style": "path" if endpoint_url else "auto"},
                              retries={"max_attempts": 3, "mode": "standard"})

    @classmethod
    def from_settings(cls, settings: S3Settings) -> "S3ObjectStore":
        secret = settings.secret_access_key.get_secret_value() if settings.secret_access_key else None
        return cls(settings.bucket, endpoint_url=settings.endpoint_url, region=settings.region,
                   access_key_id=settings.access_key_id, secret_access_key=secret)

    def _client(self):
        return self._session.client("s3", endpoint_url=self._endpoint_url, config=self._config)

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> StoredObject:
        check_key(key)
        digest, size = hashlib.sha256(), 0
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict] = []
        async with self._client() as s3:
            try:
                async for chunk in hashed(chunks, max_bytes, digest):
                    size += len(chunk)
                    buffer += chunk
                    if len(buffer) >= self.part_bytes:
                        if upload_id is None:
                            created = await s3.create_multipart_upload(Bucket=self.bucket, Key=key)
                            upload_id = created["UploadId"]
                        parts.append(await self._upload_part(s3, key, upload_id, len(parts) + 1, buffer))
                        buffer = bytearray()
                if upload_id is None:
                    await s3.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer))
                else:
                    if buffer:
                        parts.append(await self._upload_part(s3, key, upload_id, len(parts) + 1, buffer))
                    await s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                       MultipartUpload={"Parts": parts})
            except BaseException:
                if upload_id is not None:
                    with contextlib.suppress(Exception):
                        await s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
                raise
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def _upload_part(self, s3, key: str, upload_id: str, number: int, data: bytearray) -> dict:
        response = await s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                        Body=bytes(data))
        return {"PartNumber": number, "ETag": response["ETag"]}

    async def put_bytes(self, key: str, data: bytes) -> StoredObject:
        check_key(key)
        async with self._client() as s3:
            await s3.put_object(Bucket=self.bucket, Key=key, Body=data)
        return StoredObject(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    async def get_bytes(self, key: str) -> bytes:
        check_key(key)
        async with self._body(key) as body:
            return await body.read()

    async def local_copy(self, key: str, directory: Path | None = None) -> Path:
        """Download to a new file (in `directory` when given); the caller removes it when done."""
        check_key(key)
        folder = Path(tempfile.mkdtemp(prefix="tenderflow-s3-", dir=directory))
        target = folder / key.rsplit("/", 1)[1]
        try:
            async with self._body(key) as body:
                with target.open("wb") as out:
                    async for chunk in body.iter_chunks(DOWNLOAD_CHUNK_BYTES):
                        await asyncio.to_thread(out.write, chunk)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return target

    @contextlib.asynccontextmanager
    async def _body(self, key: str) -> AsyncIterator:
        """The object's streamed body, open for the block; `FileNotFoundError` when there is no such object."""
        async with self._client() as s3:
            try:
                response = await s3.get_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                raise _not_found(error, key) from error
            body = response["Body"]
            async with body:
                yield body

    async def exists(self, key: str) -> bool:
        check_key(key)
        async with self._client() as s3:
            try:
                await s3.head_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if _is_missing(error):
                    return False
                raise
        return True

    async def delete(self, key: str) -> None:
        check_key(key)
        async with self._client() as s3:
            await s3.delete_object(Bucket=self.bucket, Key=key)

    async def delete_under(self, prefix: str) -> None:
        check_key(prefix)
        async with self._client() as s3:
            # A listing page holds at most 1,000 keys, as many as one DeleteObjects call takes.
            async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix + "/"):
                if keys := [{"Key": item["Key"]} for item in page.get("Contents", [])]:
                    await s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING


def _not_found(error: ClientError, key: str) -> Exception:
    return FileNotFoundError(key) if _is_missing(error) else error
