"""Tenants manage their own question sets through the gateway and run jobs with them."""

import asyncio
import time
import zipfile

import httpx
import pytest

from .support import TED_NOTICE, api_key_for

pytestmark = pytest.mark.e2e





async def test_question_set_lifecycle_and_use(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    other = await api_key_for(stack.databases["gateway"], "globex")
    questions = [{"id": "buyer", "text": "Who is the buyer?"},
                 {"id": "mail", "text": "What is the contact e-mail address?", "expected_fragments": ["@"]}]
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        created = await client.post("/v1/question-sets", json={"name": "short", "questions": questions})
        assert created.status_code == 201, created.text
        again = await client.post("/v1/question-sets", json={"name": "short", "questions": questions})
        assert again.status_code == 409
        listed = (await client.get("/v1/question-sets")).json()["question_sets"]
        assert [(s["name"], s["builtin"]) for s in listed] == [("procurement-default", True), ("short", False)]
        replaced = await client.put("/v1/question-sets/short", json={"questions": questions[1:]})
        assert replaced.status_code == 200
        assert [q["id"] for q in (await client.get("/v1/question-sets/short")).json()["questions"]] == ["mail"]
        assert (await client.delete("/v1/question-sets/procurement-default")).status_code == 409
        invalid = await client.post("/v1/question-sets", json={"name": "../x", "questions": questions})
        assert invalid.status_code == 422

        package = tmp_path / "p.zip"
        with zipfile.ZipFile(package, "w") as archive:
            archive.write(TED_NOTICE, TED_NOTICE.name)
        upload = await client.post("/v1/documents", files={"file": ("p.zip", package.read_bytes())},
                                   data={"question_set": "short"})
        assert upload.status_code == 202, upload.text
        deadline = time.monotonic() + 120
        while (job := (await client.get(upload.headers["location"])).json())["status"] not in (
                "succeeded", "failed", "cancelled"):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        assert job["status"] == "succeeded", job
        answers = (await client.get(f"/v1/jobs/{job['job_id']}/results")).json()["answers"]
        assert [(a["question_id"], a["answer"]) for a in answers] == [("mail", "hochbau@veitshoechheim.de")]
        assert answers[0]["fragment_coverage"] == 1.0

        unknown = await client.post("/v1/documents", files={"file": ("p.zip", package.read_bytes())},
                                    data={"question_set": "missing"})
        while (job := (await client.get(unknown.headers["location"])).json())["status"] not in (
                "succeeded", "failed", "cancelled"):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        assert job["status"] == "failed"
        assert "missing" in job["errors"][0]

    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": other}) as intruder:
        assert (await intruder.get("/v1/question-sets/short")).status_code == 404
        assert [s["name"] for s in (await intruder.get("/v1/question-sets")).json()["question_sets"]] == [
            "procurement-default"]

    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}) as client:
        assert (await client.delete("/v1/question-sets/short")).status_code == 204
        assert (await client.get("/v1/question-sets/short")).status_code == 404
