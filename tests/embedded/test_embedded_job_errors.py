"""A job whose step fails with database text in the exception shows its code, our sentence and the correlation id
through the public API, never the SQL; no event or dead letter carries it either, and the text is in the log under
that correlation id."""

import asyncio
import io
import json
import time
import zipfile

import httpx
import pytest

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_common import failures, topics
from tenderflow_common.consumer import GAVE_UP
from tenderflow_common.transport import Record
from tenderflow_ingest import pipeline
from tenderflow_questions import handlers as questions_handlers
from tenderflow_questions import runner

SQL_ERROR = ("(sqlalchemy.dialects.postgresql.asyncpg.UniqueViolationError) duplicate key value violates unique "
             "constraint \"pk_outbox\" [SQL: INSERT INTO outbox (id, topic) VALUES ($1::VARCHAR, $2::VARCHAR)] "
             "(host db-primary.internal.example:5432)")
LEAKS = ("SQL", "INSERT", "asyncpg", "outbox", "db-primary.internal.example", "UniqueViolation", "Traceback")


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notice.txt", "Tenders are due on 14 March 2031.\n")
    return buffer.getvalue()


async def raise_sql_error(*_args, **_kwargs):
    raise RuntimeError(SQL_ERROR)


def sync_raise_sql_error(*_args, **_kwargs):
    raise RuntimeError(SQL_ERROR)


# Where the step fails, and the code and sentence the tenant is given for it.
FAILURES = {
    "extraction": (pipeline, "read_package", sync_raise_sql_error, failures.EXTRACTION_FAILED,
                   failures.MESSAGES[failures.EXTRACTION_FAILED]),
    "answering": (runner, "_answer_all", raise_sql_error, failures.ANSWERING_FAILED,
                  failures.MESSAGES[failures.ANSWERING_FAILED]),
    "a handler, dead-lettered": (questions_handlers, "start_run", raise_sql_error, failures.RUN_REFUSED,
                                 f"The questions could not be run: {GAVE_UP}"),
}


@pytest.fixture(params=list(FAILURES))
async def failing_system(request, tmp_path, monkeypatch):
    module, name, replacement, code, message = FAILURES[request.param]
    monkeypatch.setattr(module, name, replacement)
    system = EmbeddedSystem(tmp_path / "data").build()
    records: list[Record] = []

    async def spy(poll: list[Record]) -> None:
        records.extend(poll)

    prefix = system.services["jobs"].runtime.settings.kafka.topic_prefix
    system.transport.subscribe([prefix + topic for topic in topics.ALL_TOPICS], "test-spy", spy)
    await system.start()
    try:
        yield system, records, code, message
    finally:
        await system.stop()


async def test_a_step_failing_with_sql_shows_the_code_and_never_the_sql(failing_system, tmp_path):
    system, records, code, message = failing_system
    key, _ = await system.dev_api_key()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://x",
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
    assert job["failure"]["code"] == code
    assert job["failure"]["message"] == message == job["errors"][0]
    assert not any(leak in response.text or leak in listed.text for leak in LEAKS)

    failed = [json.loads(record.value) for record in records if record.value and b"-failed.v1" in record.value]
    assert [event["data"]["code"] for event in failed] == [code]
    for record in records:
        seen = record.value.decode(errors="replace") + json.dumps(record.headers)
        assert not any(leak in seen for leak in LEAKS), seen
    correlation = job["failure"]["correlation_id"]
    logged = [json.loads(line) for line in (tmp_path / "data" / "tenderflow.log").read_text().splitlines()]
    assert any(SQL_ERROR in record.get("exc_info", "") and record.get("correlation_id") == correlation
               for record in logged)
