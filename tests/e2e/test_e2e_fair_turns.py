"""Tenants take turns on the one ingest worker of the stack: a small package of tenant B, uploaded after tenant A's
large one, ends while A's is still being taken apart, and A's resumes and is ingested with every file."""

import asyncio
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tenderflow_common.db import create_engine, session_factory
from tenderflow_ingest.testing.documents import tender_pdf

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e

LARGE_FILES = 200
PACKAGE = text("SELECT status, claims, (SELECT count(*) FROM documents WHERE package_id = packages.id) AS extracted "
               "FROM packages WHERE job_id = :job")


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(50 * 1024 * 1024), "TENDERFLOW_INGEST_SLICE_SECONDS": "1"}


def large_package(folder: Path) -> Path:
    """Many PDFs of forty pages: a minute or so of extraction on the one worker."""
    document = tender_pdf(pages=40, seed=7, lines=40)
    path = folder / "large-tender.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(LARGE_FILES):
            archive.writestr(f"volume-{number:03}.pdf", document)
    return path


async def upload(client: httpx.AsyncClient, package: Path) -> str:
    with package.open("rb") as file:
        response = await client.post("/v1/documents", files={"file": (package.name, file)})
    assert response.status_code == 202, response.text
    return response.headers["location"]


async def test_a_small_package_of_another_tenant_ends_while_a_large_one_is_still_ingesting(stack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fair-turns")
    large, small = large_package(folder), tender_package(folder)
    gateway = stack.databases["gateway"]
    engine = create_engine(stack.databases["ingest"], pool_size=1)
    sessions = session_factory(engine)

    async def package_of(job_url: str):
        async with sessions() as session:
            return (await session.execute(PACKAGE, {"job": job_url.rstrip("/").rsplit("/", 1)[1]})).one_or_none()

    try:
        async with (httpx.AsyncClient(base_url=stack.gateway_url, timeout=30,
                                      headers={"X-API-Key": await api_key_for(gateway, "acme")}) as tenant_a,
                    httpx.AsyncClient(base_url=stack.gateway_url, timeout=30,
                                      headers={"X-API-Key": await api_key_for(gateway, "globex")}) as tenant_b):
            large_job = await upload(tenant_a, large)
            deadline = time.monotonic() + 120
            while not ((row := await package_of(large_job)) and row.extracted >= 1):
                assert time.monotonic() < deadline, "the large package never started"
                await asyncio.sleep(0.2)
            small_job = await upload(tenant_b, small)

            ended = await wait_for_end(tenant_b, small_job, 150)
            large_now = (await tenant_a.get(large_job)).json()
            row = await package_of(large_job)
            print(f"\nB ended {ended['status']}; A was {large_now['status']} in {large_now['stage']} with "
                  f"{row.extracted} of {LARGE_FILES} files extracted")
            assert ended["status"] == "succeeded", ended
            assert large_now["status"] == "running" and large_now["stage"] == "ingesting", large_now
            assert row.extracted < LARGE_FILES

            deadline = time.monotonic() + 600
            while (row := await package_of(large_job)).status in ("pending", "processing"):
                assert time.monotonic() < deadline, "the large package never ended"
                await asyncio.sleep(0.5)
            assert row.status == "ingested" and row.extracted == LARGE_FILES
            assert row.claims >= 2, "the large package gave its turn away and was claimed again"
            # Answering thousands of pages is not what this test is about: stop the large job there.
            assert (await tenant_a.post(f"{large_job}/cancel")).status_code == 202
    finally:
        await engine.dispose()
