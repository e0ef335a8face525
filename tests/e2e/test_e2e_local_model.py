"""A job answered by a real model on this machine (Gemma 3 270M on llama.cpp's server, `make llm-up`), over Kafka.

The model is tiny, so this checks the contract, not accuracy: every answer is a model's, and is either grounded
(its quote found in the passage it cites), explicitly ungrounded with a low confidence, or "not stated".
"""

import httpx
import pytest

from tenderflow_common.testing.infra import LocalLLM

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e

QUESTIONS = ('[{"id": "buyer", "text": "Who is the contracting authority?"},'
             ' {"id": "deadline", "text": "What is the deadline for receipt of tenders?"},'
             ' {"id": "title", "text": "What is the title of the contract?"}]')


@pytest.fixture
def stack_env(local_llm: LocalLLM) -> dict[str, str]:
    return {"TENDERFLOW_OPENAI_BASE_URL": local_llm.base_url, "TENDERFLOW_OPENAI_API_KEY": local_llm.api_key,
            "TENDERFLOW_OPENAI_STRUCTURED_OUTPUT": "json_object", "TENDERFLOW_OPENAI_TIMEOUT_SECONDS": "120",
            "TENDERFLOW_QUESTIONS_TOP_K": "3"}


async def test_the_local_model_answers_over_kafka_grounded_or_not_at_all_beside_extractive(stack, local_llm, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")},
                                         data={"questions": QUESTIONS,
                                               "model": f"openai:{local_llm.model},extractive:default"})
        assert response.status_code == 202, response.text
        job = await wait_for_end(client, response.headers["location"], timeout_seconds=400)
        assert job["status"] == "succeeded", job
        results = (await client.get(f"/v1/jobs/{job['job_id']}/results")).json()
        csv = (await client.get(f"/v1/jobs/{job['job_id']}/results?format=csv")).text

    model = f"openai:{local_llm.model}"
    answers = results["answers"]
    assert [(row["question_id"], row["model"]) for row in answers] == [
        (question, name) for question in ("buyer", "deadline", "title") for name in (model, "extractive:default")]
    assert [comparison["question_id"] for comparison in results["comparisons"]] == ["buyer", "deadline", "title"]
    assert len(csv.strip().splitlines()) == 1 + 6
    assert all(row["path"] == "extractive" for row in answers if row["model"] == "extractive:default")
    for row in (row for row in answers if row["model"] == model):
        assert row["error"] is None and row["path"] == "llm", row
        if row["answer"] is None:
            assert row["confidence"] == 0 and row["citations"] == []
        elif row["grounded"]:
            assert row["citations"] and row["citations"][0]["file"].endswith((".xml", ".csv")), row
        else:
            assert row["grounded"] is False and row["confidence"] <= 0.3, row


async def test_an_upload_naming_a_provider_that_is_not_configured_is_refused(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")},
                                         data={"model": "anthropic:claude-sonnet-4-5"})
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["provider"] == "anthropic" and "openai" in problem["offered"]
        assert (await client.get("/v1/jobs")).json()["jobs"] == []
