"""After one job in embedded mode (the services' own handlers and workers), /metrics holds samples of every metric
the dashboard and the alert rules read, labelled by templates, topics and outcomes, never by ids."""

import asyncio
import io
import json
import shutil
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from prometheus_client.parser import text_string_to_metric_families

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_common import topics
from tenderflow_common.testing.llm_fakes.script import Reply

TENDERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders"
MODEL = "metered-model"
QUESTIONS = [{"id": "buyer", "text": "Who is the contracting authority?"}]


def scanned_page() -> bytes:
    """A one-page PDF holding only a picture of a line of text, as a scanner leaves it."""
    image = Image.new("L", (1240, 300), 255)
    ImageDraw.Draw(image).text((60, 60), "Tenders are due on 14 March 2031", fill=0,
                               font=ImageFont.load_default(size=40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=210)
    return bytes(pdf.output())


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(TENDERS / "ted" / "20-155018-001-EXP.xml", "notice.xml")
        archive.writestr("scan.pdf", scanned_page())
        archive.writestr("broken.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4)
    return buffer.getvalue()


def samples(exposition: str) -> dict[str, list]:
    """Every sample by its name (a histogram's `_count`, a counter's `_total` included)."""
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def value(found: dict[str, list], name: str, **labels: str) -> float:
    return sum(sample.value for sample in found.get(name, ())
               if all(sample.labels.get(key) == wanted for key, wanted in labels.items()))


@pytest.fixture
async def system(tmp_path, monkeypatch, fake_openai):
    fake_openai.models.append(MODEL)
    fake_openai.script(Reply({"answer": "Markt Veitshöchheim", "quote": "", "passage": 0}))
    monkeypatch.setenv("TENDERFLOW_OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("TENDERFLOW_OPENAI_API_KEY", fake_openai.api_key)
    monkeypatch.setenv("TENDERFLOW_OPENAI_STRUCTURED_OUTPUT", "json_object")
    system = EmbeddedSystem(tmp_path / "data").build()
    await system.start()
    try:
        yield system
    finally:
        await system.stop()


async def run_job(system: EmbeddedSystem) -> dict:
    key, _ = await system.dev_api_key()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://x",
                                 headers={"X-API-Key": key}) as client:
        upload = await client.post("/v1/documents", files={"file": ("p.zip", package(), "application/zip")},
                                   data={"questions": json.dumps(QUESTIONS), "model": f"openai:{MODEL}"})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 90
        while (job := (await client.get(upload.headers["location"])).json())["status"] not in (
                "failed", "succeeded", "cancelled"):
            assert time.monotonic() < deadline, job
            await asyncio.sleep(0.2)
    return job


async def scrape(system: EmbeddedSystem) -> str:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.services["jobs"].app),
                                 base_url="http://jobs") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed (make ocr installs it)")
async def test_one_job_leaves_samples_of_every_metric(system):
    job = await run_job(system)
    assert job["status"] == "succeeded", job
    # A record no consumer can read: the jobs service dead-letters it.
    await system.transport.publish(topics.JOBS_COMMANDS, "", b"not an envelope", {})
    deadline = time.monotonic() + 10
    while system.transport.lag():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    exposition = await scrape(system)
    found = samples(exposition)

    assert value(found, "tenderflow_http_request_seconds_count", service="gateway", method="POST",
                 route="/v1/documents", status="202") >= 1
    assert value(found, "tenderflow_http_request_seconds_count", service="gateway", method="GET",
                 route="/v1/jobs/{job_id}", status="200") >= 1
    assert value(found, "tenderflow_messages_consumed_total", consumer="tenderflow-jobs", outcome="handled") >= 5
    assert value(found, "tenderflow_messages_published_total", topic=topics.INGEST_EVENTS, outcome="published") >= 3
    assert value(found, "tenderflow_dead_letters_total", topic=topics.JOBS_COMMANDS) >= 1
    lags = {(s.labels["group"], s.labels["topic"]): s.value for s in found["tenderflow_consumer_lag_messages"]}
    assert lags[("tenderflow-jobs", topics.INGEST_EVENTS)] == 0
    # Every service's outbox is sampled (the registry is the process's, so other tests may have added theirs).
    assert set(system.services) <= {s.labels["service"] for s in found["tenderflow_outbox_backlog_messages"]}
    assert set(system.services) <= {s.labels["service"] for s in found["tenderflow_outbox_oldest_age_seconds"]}

    assert value(found, "tenderflow_jobs_finished_total", status="succeeded") >= 1
    assert value(found, "tenderflow_job_seconds_count", status="succeeded") >= 1
    for stage in ("ingesting", "indexing", "answering"):
        assert value(found, "tenderflow_job_stage_seconds_count", stage=stage) >= 1, stage
    assert value(found, "tenderflow_jobs_open") == 0
    assert "tenderflow_jobs_oldest_idle_seconds" in found

    assert value(found, "tenderflow_documents_extracted_total", doc_type="pdf", outcome="extracted") >= 1
    assert value(found, "tenderflow_documents_extracted_total", doc_type="pdf", outcome="corrupt_pdf") >= 1
    assert value(found, "tenderflow_pages_extracted_total", doc_type="pdf") >= 1
    assert value(found, "tenderflow_ocr_pages_total") >= 1

    assert value(found, "tenderflow_llm_call_seconds_count", provider="openai", model=MODEL, outcome="ok") >= 1
    assert value(found, "tenderflow_llm_tokens_total", provider="openai", model=MODEL, direction="prompt") > 0
    assert job["job_id"] not in exposition
