"""A real S3 API server for tests: moto in server mode on a free loopback port, in a thread of the run."""

import contextlib
import socket
from collections.abc import Iterator

import aioboto3

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """Serve the S3 API until the block ends; yields its endpoint URL (any credentials are accepted)."""
    from moto.server import ThreadedMotoServer  # a development dependency, needed only here

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def create_bucket(endpoint_url: str, bucket: str) -> None:
    async with aioboto3.Session(**CREDENTIALS).client("s3", endpoint_url=endpoint_url) as s3:
        await s3.create_bucket(Bucket=bucket)


async def object_keys(endpoint_url: str, bucket: str) -> list[str]:
    """Every key in the bucket."""
    keys: list[str] = []
    async with aioboto3.Session(**CREDENTIALS).client("s3", endpoint_url=endpoint_url) as s3:
        paginator = s3.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=bucket):
            keys += [item["Key"] for item in page.get("Contents", [])]
    return keys
