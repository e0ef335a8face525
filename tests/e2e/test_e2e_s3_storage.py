"""The whole pipeline on the S3 storage backend: every service reads and writes a bucket on an S3 server."""

from collections.abc import Iterator

import httpx
import pytest

from tenderflow_common.testing.plugin import STACK_UPLOAD_LIMIT
from tenderflow_common.testing.s3 import CREDENTIALS, create_bucket, object_keys, s3_server

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e

BUCKET = "tenderflow-e2e"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
async def stack_env(s3_endpoint: str, tmp_path) -> dict[str, str]:
    """The services keep everything in a fresh bucket; downloaded copies stay in the test's folder."""
    await create_bucket(s3_endpoint, BUCKET)
    (tmp_path / "tmp").mkdir()
    return {
        "TMPDIR": str(tmp_path / "tmp"),
        "TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(STACK_UPLOAD_LIMIT),
        "TENDERFLOW_STORAGE_BACKEND": "s3",
        "TENDERFLOW_STORAGE_S3_BUCKET": BUCKET,
        "TENDERFLOW_STORAGE_S3_ENDPOINT_URL": s3_endpoint,
        "TENDERFLOW_STORAGE_S3_REGION": CREDENTIALS["region_name"],
        "TENDERFLOW_STORAGE_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "TENDERFLOW_STORAGE_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
    }


async def test_a_package_goes_through_the_bucket(stack, s3_endpoint, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")})
        assert response.status_code == 202, response.text
        job = await wait_for_end(client, response.headers["location"])
        assert job["status"] == "succeeded", job
        results = (await client.get(f"/v1/jobs/{job['job_id']}/results")).json()
        answers = {row["question_id"]: row for row in results["answers"]}
        assert answers["contact_email"]["answer"] == "hochbau@veitshoechheim.de"

        big = b"PK\x03\x04" + b"\0" * 3_000_000
        too_large = await client.post("/v1/documents", files={"file": ("big.zip", big)})
        assert too_large.status_code == 413

    keys = await object_keys(s3_endpoint, BUCKET)
    uploads = [k for k in keys if "/uploads/" in k]
    assert uploads == [next(k for k in uploads if k.endswith(f"/uploads/{job['job_id']}.zip"))]
    assert any("/documents/" in k for k in keys), keys
    assert not any(path.is_file() for path in (stack.work_dir / "storage").rglob("*"))
