"""The whole pipeline over real Kafka and PostgreSQL: five service processes, driven through the gateway."""

import csv
import io
import time

import httpx
import pytest

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e









async def test_upload_reaches_succeeded_with_cited_answers(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    other_key = await api_key_for(stack.databases["gateway"], "globex")
    package = tender_package(tmp_path)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        started = time.monotonic()
        with package.open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("veitshoechheim.zip", file,
                                                                          "application/zip")})
        assert response.status_code == 202, response.text
        accepted = response.json()
        assert response.headers["location"] == f"/v1/jobs/{accepted['job_id']}"
        right_away = await client.get(response.headers["location"])
        assert right_away.status_code == 200
        assert right_away.json()["status"] in ("queued", "running", "succeeded")

        job = await wait_for_end(client, response.headers["location"])
        elapsed = time.monotonic() - started
        print(f"\nend-to-end job took {elapsed:.1f} s")
        assert job["status"] == "succeeded", job
        assert job["progress"]["percent"] == 100
        assert job["progress"]["files_total"] == 2
        verdicts = {f["name"]: f for f in job["files"]}
        assert verdicts["notice/20-155018-001-EXP.xml"]["accepted"] is True
        assert job["progress"]["questions_answered"] == job["progress"]["questions_total"] >= 10

        results = (await client.get(f"/v1/jobs/{accepted['job_id']}/results")).json()
        answers = {row["question_id"]: row for row in results["answers"]}
        assert "Veitsh" in (answers["buyer"]["answer"] or "")
        assert answers["buyer"]["confidence"] > 0
        citation = answers["buyer"]["citations"][0]
        assert citation["file"] == "notice/20-155018-001-EXP.xml"
        assert citation["path"]
        assert answers["contact_email"]["answer"] == "hochbau@veitshoechheim.de"

        as_csv = await client.get(f"/v1/jobs/{accepted['job_id']}/results", params={"format": "csv"})
        assert as_csv.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(as_csv.text)))
        assert [row["question_id"] for row in rows] == [row["question_id"] for row in results["answers"]]

    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": other_key}) as intruder:
        assert (await intruder.get(f"/v1/jobs/{accepted['job_id']}")).status_code == 404
        assert (await intruder.get(f"/v1/jobs/{accepted['job_id']}/results")).status_code == 404


async def test_ad_hoc_questions_are_answered(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    questions = '[{"id": "who", "text": "Who is the contracting authority?", "expected_fragments": ["Veitsh"]}]'
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")},
                                         data={"questions": questions, "workspace": "adhoc"})
        assert response.status_code == 202, response.text
        job = await wait_for_end(client, response.headers["location"])
        assert job["status"] == "succeeded", job
        results = (await client.get(f"/v1/jobs/{job['job_id']}/results")).json()
        assert [row["question_id"] for row in results["answers"]] == ["who"]
        assert results["answers"][0]["fragment_coverage"] == 1.0


async def test_client_mistakes_get_problem_details(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        missing = await client.get("/v1/jobs")
        assert missing.status_code == 401
        assert missing.headers["content-type"] == "application/problem+json"
        forged = await client.get("/v1/jobs", headers={"X-API-Key": "tf_abcdefgh_" + "x" * 43})
        assert forged.status_code == 401
        client.headers["X-API-Key"] = key
        pdf = ("a.zip", b"%PDF-1.7 not a zip", "application/zip")
        not_zip = await client.post("/v1/documents", files={"file": pdf})
        assert not_zip.status_code == 415
        assert not_zip.json()["status"] == 415
        bad_questions = await client.post("/v1/documents", files={"file": ("a.zip", b"PK\x05\x06" + b"\0" * 18)},
                                          data={"questions": "[{"})
        assert bad_questions.status_code == 422
        assert bad_questions.headers["content-type"] == "application/problem+json"
        unknown = await client.get("/v1/jobs/not-a-job")
        assert unknown.status_code == 404
        too_large = await client.post("/v1/documents", files={"file": ("big.zip", b"PK\x03\x04" + b"\0" * 3_000_000)})
        assert too_large.status_code == 413
        assert too_large.json()["limit_bytes"] == 2 * 1024 * 1024
