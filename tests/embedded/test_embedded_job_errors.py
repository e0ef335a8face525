"""A job whose step fails with database text in the exception shows its code, our sentence and the correlation id
through the public API, never the SQL; the text is in the log under that correlation id."""

import asyncio
import io
import json
import time
import zipfile

import httpx
import pytest

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_common import failures
from tenderflow_ingest import pipeline

SQL_ERROR = ("(sqlalchemy.dialects.postgresql.asyncpg.UniqueViolationError) duplicate key value violates unique "
             "constraint \"pk_outbox\" [SQL: INSERT INTO outbox (id, topic) VALUES ($1::VARCHAR, $2::VARCHAR)] "
             "(host db-primary.internal.example:5432)")
LEAKS = ("SQL", "INSERT", "asyncpg", "outbox", "db-primary.internal.example", "UniqueViolation")


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notice.txt", "Tenders are due on 14 March 2031.\n")
    return buffer.getvalue()


@pytest.fixture
async def failing_system(tmp_path, monkeypatch):
    def read_package(*_args, **_kwargs):
        raise RuntimeError(SQL_ERROR)

    monkeypatch.setattr(pipeline, "read_package", read_package)
    system = EmbeddedSystem(tmp_path / "data").build()
    await system.start()
    try:
        yield system
    finally:
        await system.stop()


async def test_a_step_failing_with_sql_shows_the_code_and_never_the_sql(failing_system, tmp_path):
    key, _ = await failing_system.dev_api_key()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=failing_system.gateway), base_url="http://x",
                                 headers={"X-API-Key": key}) as client:
        upload = await client.post("/v1/documents", files={"file": ("p.zip", package(), "application/zip")})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 60
        while (response := await client.get(upload.headers["location"])).json()["status"] not in (
                "failed", "succeeded", "cancelled"):
            assert time.monotonic() < deadline, response.text
            await asyncio.sleep(0.2)
        listed = await client.get("/v1/jobs")
    job = response.json()
    assert job["status"] == "failed"
    assert job["failure"]["code"] == failures.EXTRACTION_FAILED
    assert job["failure"]["message"] == failures.MESSAGES[failures.EXTRACTION_FAILED] == job["errors"][0]
    assert not any(leak in response.text or leak in listed.text for leak in LEAKS)
    correlation = job["failure"]["correlation_id"]
    logged = [json.loads(line) for line in (tmp_path / "data" / "tenderflow.log").read_text().splitlines()]
    assert any(SQL_ERROR in record.get("exc_info", "") and record.get("correlation_id") == correlation
               for record in logged)
