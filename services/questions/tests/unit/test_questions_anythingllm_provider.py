"""The anythingllm provider against the fake AnythingLLM server, with documents uploaded as the workspace service
uploads them (`tenderflow_common.anythingllm.conventions`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from tenderflow_common.anythingllm import AnythingLLMClient, embed, ensure_workspace
from tenderflow_common.anythingllm.conventions import document_upload, workspace_settings
from tenderflow_common.anythingllm.naming import document_folder, workspace_name
from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.settings import AnythingLLMSettings
from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM
from tenderflow_questions.providers import ProviderFailed
from tenderflow_questions.providers.anythingllm import AnythingLLMProvider
from tenderflow_questions.providers.base import AnswerRequest

WORKSPACE = "ws-harbour"
NOTICE = [{"text": "Contract notice for quay works in the harbour.", "page": 1, "path": None, "row": None},
          {"text": "The buyer is the Port of Oslo, Bryggen 1, 0150 Oslo. Contact: tenders@oslohavn.no", "page": 2,
           "path": None, "row": None}]
PRICES = [{"text": f"lot: {n} | item: quay wall section {n} | price: {n * 1000} EUR", "page": None, "path": None,
           "row": n} for n in range(1, 4)]
RELEASE = [{"text": "tender.tenderPeriod.endDate: 2026-03-15T12:00:00Z", "page": None,
            "path": "releases[0].tender.tenderPeriod.endDate", "row": None}]


def reply(answer: str, quote: str = ""):
    return lambda message, sources: json.dumps({"answer": answer, "quote": quote})


def client_for(fake: FakeAnythingLLM, key: str | None = None, **options) -> AnythingLLMClient:
    return AnythingLLMClient(fake.base_url, key or fake.api_key, **{"read_timeout": 0.5, "chat_timeout": 1.0,
                                                                    "retry_wait_seconds": 0.01, **options})


async def index(client: AnythingLLMClient, workspace_id: str = WORKSPACE) -> None:
    """What the workspace service's anythingllm backend does for a package."""
    settings = workspace_settings(AnythingLLMSettings(similarity_threshold=0.2))
    workspace = await ensure_workspace(client, workspace_name(workspace_id), settings)
    locations = []
    for document_id, file, doc_type, units in (("d-notice", "notice.pdf", "pdf", NOTICE),
                                                ("d-prices", "prices.csv", "csv", PRICES),
                                                ("d-release", "release.json", "json", RELEASE)):
        upload = document_upload(document_id, "pkg", file, doc_type, units)
        stored = await client.upload_document(upload.filename, upload.content, folder=document_folder(workspace_id),
                                              metadata=upload.metadata)
        locations.append(stored.location)
    await embed(client, workspace.slug, locations)


def request(text: str = "Who is the buyer?", run_id: str = "run-1", qid: str = "buyer",
            fragments: list[str] | None = None) -> AnswerRequest:
    return AnswerRequest(question=QuestionSpec(id=qid, text=text, expected_fragments=fragments or []),
                         passages=[], model="default", run_id=run_id, tenant_id="acme", workspace_id=WORKSPACE)


@pytest.fixture
async def provider(fake_anythingllm: FakeAnythingLLM) -> AsyncIterator[AnythingLLMProvider]:
    client = client_for(fake_anythingllm)
    await index(client)
    provider = AnythingLLMProvider(client, retry_wait_seconds=0.01)
    yield provider
    await provider.aclose()


async def test_an_answer_comes_with_its_quote_grounded_and_cited_by_file_and_page(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    answer = await provider.answer(request(fragments=["Port of Oslo"]))
    assert answer.answer == "Port of Oslo" and answer.path == "llm" and answer.grounded is True
    assert answer.citations == [Citation(file="notice.pdf", page=2, snippet="The buyer is the Port of Oslo")]
    assert answer.fragment_coverage == 1.0 and answer.confidence > 0.6
    assert answer.usage.prompt_tokens > 0 and answer.usage.completion_tokens > 0
    [chat] = fake_anythingllm.calls("POST", "/workspace/*/thread/*/stream-chat")
    assert chat.path == f"/workspace/{workspace_name(WORKSPACE)}/thread/tenderflow-run-run-1/stream-chat"
    assert chat.json() == {"message": "Who is the buyer?", "mode": "query"}


@pytest.mark.parametrize(("question", "answer", "quote", "where"), [
    ("What is the price of the quay wall section 2?", "2000 EUR", "quay wall section 2 | price: 2000 EUR",
     {"row": 2}),
    ("What is the tender.tenderPeriod.endDate?", "2026-03-15", "tenderPeriod.endDate: 2026-03-15",
     {"path": "releases[0].tender.tenderPeriod.endDate"}),
])
async def test_rows_and_paths_are_recovered_from_the_markers(fake_anythingllm, provider, question, answer, quote,
                                                             where):
    fake_anythingllm.llm = reply(answer, quote)
    result = await provider.answer(request(question))
    assert result.grounded is True
    assert result.citations[0].model_dump(include={"page", "path", "row"}) == \
        {"page": None, "path": None, "row": None, **where}


async def test_one_thread_per_run_however_many_questions_ask_at_once(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    await asyncio.gather(*(provider.answer(request(qid=f"q{n}")) for n in range(6)))
    await provider.answer(request(run_id="run-2"))
    assert len(fake_anythingllm.calls("POST", "/workspace/*/thread/new")) == 2
    assert sorted(fake_anythingllm.threads) == ["tenderflow-run-run-1", "tenderflow-run-run-2"]


async def test_a_restarted_provider_finds_the_runs_thread_instead_of_making_another(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    await provider.answer(request())
    restarted = AnythingLLMProvider(client_for(fake_anythingllm), retry_wait_seconds=0.01)
    await restarted.answer(request(qid="again"))
    await restarted.aclose()
    assert len(fake_anythingllm.calls("POST", "/workspace/*/thread/new")) == 1


@pytest.mark.parametrize("llm_text", [json.dumps({"answer": "not stated", "quote": ""}), "NOT STATED"])
async def test_not_stated_is_no_answer(fake_anythingllm, provider, llm_text):
    fake_anythingllm.llm = lambda message, sources: llm_text
    answer = await provider.answer(request())
    assert answer.answer is None and answer.confidence == 0.0 and answer.citations == []


async def test_a_query_refusal_is_no_answer(fake_anythingllm, provider):
    answer = await provider.answer(request("zebra giraffe elephant?"))
    assert answer.answer is None and answer.path == "llm"


async def test_a_quote_found_in_no_source_is_kept_but_ungrounded_and_weak(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("City of Bergen", "The buyer is the City of Bergen")
    answer = await provider.answer(request())
    assert answer.answer == "City of Bergen" and answer.grounded is False
    assert answer.confidence <= 0.3
    assert answer.citations[0].file == "notice.pdf"


async def test_a_reply_that_is_not_json_is_taken_as_the_answer(fake_anythingllm, provider):
    fake_anythingllm.llm = lambda message, sources: "Port of Oslo"
    answer = await provider.answer(request())
    assert answer.answer == "Port of Oslo" and answer.grounded is True


async def test_a_chat_whose_answer_was_lost_is_read_from_the_thread_not_asked_again(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    fake_anythingllm.lose_response("POST", "/workspace/*/thread/*/stream-chat")
    answer = await provider.answer(request())
    assert answer.answer == "Port of Oslo" and answer.citations[0].page == 2
    assert len(fake_anythingllm.calls("POST", "/workspace/*/thread/*/stream-chat")) == 1


async def test_a_chat_that_failed_before_answering_is_asked_again_once(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    fake_anythingllm.fail("POST", "/workspace/*/thread/*/stream-chat", status=502)
    answer = await provider.answer(request())
    assert answer.answer == "Port of Oslo"
    assert len(fake_anythingllm.calls("POST", "/workspace/*/thread/*/stream-chat")) == 2


async def test_failures_that_stay_have_stable_codes(fake_anythingllm, provider):
    fake_anythingllm.fail("POST", "/workspace/*/thread/*/stream-chat", status=500, times=None)
    with pytest.raises(ProviderFailed) as unavailable:
        await provider.answer(request())
    assert unavailable.value.code == "anythingllm_unavailable"
    fake_anythingllm.failures.clear()
    abort = {"uuid": "u", "type": "abort", "textResponse": None, "sources": [], "close": True, "error": "LLM down"}
    fake_anythingllm.fail("POST", "/workspace/*/thread/*/stream-chat", status=200,
                          body="data: " + json.dumps(abort) + "\n\n")
    with pytest.raises(ProviderFailed) as aborted:
        await provider.answer(request())
    assert aborted.value.code == "anythingllm_aborted" and "LLM down" not in str(aborted.value)


async def test_a_refused_key_and_a_workspace_never_indexed_are_reported(fake_anythingllm, provider):
    refused = AnythingLLMProvider(client_for(fake_anythingllm, key="wrong-key"))
    with pytest.raises(ProviderFailed) as unauthorized:
        await refused.answer(request())
    await refused.aclose()
    assert unauthorized.value.code == "anythingllm_unauthorized" and "wrong-key" not in str(unauthorized.value)
    with pytest.raises(ProviderFailed) as missing:
        await provider.answer(AnswerRequest(question=QuestionSpec(id="q", text="Who?"), passages=[],
                                            model="default", run_id="r", tenant_id="acme", workspace_id="other"))
    assert missing.value.code == "anythingllm_workspace_missing"


async def test_a_thread_deleted_meanwhile_is_made_again(fake_anythingllm, provider):
    fake_anythingllm.llm = reply("Port of Oslo", "The buyer is the Port of Oslo")
    await provider.answer(request())
    fake_anythingllm.threads.clear()
    assert (await provider.answer(request(qid="again"))).answer == "Port of Oslo"


def test_from_settings_needs_a_server_and_a_key(fake_anythingllm):
    with pytest.raises(ValueError, match="TENDERFLOW_ANYTHINGLLM_BASE_URL"):
        AnythingLLMProvider.from_settings(AnythingLLMSettings())
    provider = AnythingLLMProvider.from_settings(AnythingLLMSettings(base_url=fake_anythingllm.base_url,
                                                                     api_key=fake_anythingllm.api_key))
    assert provider.name == "anythingllm"
