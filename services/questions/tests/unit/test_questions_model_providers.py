"""The openai, anthropic and ollama providers against fakes of their APIs: wire format, failures, retries, breaker."""

import time
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client import REGISTRY

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_common.testing.llm_fakes import (
    ErrorResponse,
    Hang,
    Malformed,
    Overloaded,
    RateLimited,
    Refusal,
    Reply,
)
from tenderflow_questions.providers import AnswerRequest, ProviderFailed
from tenderflow_questions.providers.anthropic import AnthropicClient
from tenderflow_questions.providers.model import ModelProvider
from tenderflow_questions.providers.ollama import OllamaClient
from tenderflow_questions.providers.openai import OpenAIClient
from tenderflow_questions.providers.resilience import RetryPolicy

QUICK = RetryPolicy(attempts=3, base_seconds=0.01, max_seconds=0.02)
PASSAGE = Passage(chunk_id="n:0", document_id="n", file="notice.pdf", doc_type="pdf", score=0.9, page=2,
                  text="The contracting authority is the Port of Tallinn. Tenders are due 15 March 2026.")
GROUNDED = {"answer": "Port of Tallinn", "quote": "the Port of Tallinn", "passage": 1}


def request(model: str) -> AnswerRequest:
    return AnswerRequest(question=QuestionSpec(id="buyer", text="Who is the buyer?"), passages=[PASSAGE],
                         model=model, run_id="r", tenant_id="t", workspace_id="w", temperature=0.2, max_tokens=300)


@dataclass
class Case:
    """One provider wired to its fake."""

    name: str
    fake: Any
    provider: ModelProvider
    model: str
    key: str | None

    def sent(self) -> dict:
        [chat] = [r for r in self.fake.requests if r.method == "POST"][-1:]
        return chat.json

    def chat_requests(self) -> int:
        return sum(1 for r in self.fake.requests if r.method == "POST")


@pytest.fixture(params=["openai", "anthropic", "ollama"])
def case(request, fake_openai, fake_anthropic, fake_ollama) -> Case:
    timeout = 0.5
    if request.param == "openai":
        client = OpenAIClient(api_key=fake_openai.api_key, base_url=fake_openai.base_url, timeout_seconds=timeout,
                              retry=QUICK)
        return Case("openai", fake_openai, ModelProvider(client), "gpt-4o-mini", fake_openai.api_key)
    if request.param == "anthropic":
        client = AnthropicClient(api_key=fake_anthropic.api_key, base_url=fake_anthropic.base_url,
                                 timeout_seconds=timeout, retry=QUICK)
        return Case("anthropic", fake_anthropic, ModelProvider(client), "claude-sonnet-4-5", fake_anthropic.api_key)
    client = OllamaClient(base_url=fake_ollama.base_url, timeout_seconds=timeout, retry=QUICK)
    return Case("ollama", fake_ollama, ModelProvider(client), fake_ollama.models[0], None)


async def test_a_grounded_answer_comes_back_cited_with_its_usage(case: Case):
    case.fake.enqueue(Reply(GROUNDED, input_tokens=120, output_tokens=30))
    answer = await case.provider.answer(request(case.model))
    assert answer.answer == "Port of Tallinn" and answer.grounded is True and answer.path == "llm"
    assert answer.citations[0].file == "notice.pdf" and answer.citations[0].page == 2
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (120, 30)
    sent = case.sent()
    assert sent["model"] == case.model
    if case.name == "openai":
        assert sent["temperature"] == 0.2
    assert "Who is the buyer?" in str(sent["messages"])


async def test_the_request_asks_for_structured_output_in_each_apis_way(case: Case):
    case.fake.enqueue(Reply(GROUNDED))
    await case.provider.answer(request(case.model))
    sent = case.sent()
    if case.name == "openai":
        assert sent["response_format"]["type"] == "json_schema" and sent["max_tokens"] == 300
    elif case.name == "anthropic":
        assert sent["tool_choice"] == {"type": "tool", "name": "record_answer"} and sent["max_tokens"] == 300
    else:
        assert sent["format"]["required"] == ["answer"] or "answer" in sent["format"]["properties"]
        assert sent["options"] == {"temperature": 0.2, "num_predict": 300} and sent["stream"] is False


async def test_not_stated_is_no_answer(case: Case):
    case.fake.enqueue(Reply({"answer": "not stated", "quote": "", "passage": 0}))
    answer = await case.provider.answer(request(case.model))
    assert answer.answer is None and answer.confidence == 0


async def test_a_rate_limit_is_waited_out_and_retried(case: Case):
    if case.name == "ollama":
        case.fake.enqueue(Overloaded(), Reply(GROUNDED))
    else:
        case.fake.enqueue(RateLimited(retry_after=1), Reply(GROUNDED))
    started = time.monotonic()
    answer = await case.provider.answer(request(case.model))
    assert answer.answer == "Port of Tallinn" and case.chat_requests() == 2
    if case.name != "ollama":
        assert time.monotonic() - started >= 0.9  # Retry-After was honoured


async def test_server_errors_are_retried_then_fail_the_question_with_a_stable_code(case: Case):
    case.fake.script(ErrorResponse(500))
    with pytest.raises(ProviderFailed) as failed:
        await case.provider.answer(request(case.model))
    assert failed.value.code == f"{case.name}_unavailable"
    assert case.chat_requests() == QUICK.attempts


async def test_a_request_the_api_refuses_is_not_retried(case: Case):
    case.fake.enqueue(ErrorResponse(400, "bad request"))
    with pytest.raises(ProviderFailed) as failed:
        await case.provider.answer(request(case.model))
    assert failed.value.code == f"{case.name}_rejected" and case.chat_requests() == 1


async def test_a_server_that_does_not_answer_in_time_is_a_timeout(case: Case):
    case.fake.script(Hang(seconds=3))
    with pytest.raises(ProviderFailed) as failed:
        await case.provider.answer(request(case.model))
    assert failed.value.code in ("timeout", f"{case.name}_unavailable")
    assert case.chat_requests() == QUICK.attempts


async def test_a_malformed_body_fails_the_question_without_crashing(case: Case):
    case.fake.script(Malformed())
    with pytest.raises(ProviderFailed) as failed:
        await case.provider.answer(request(case.model))
    assert failed.value.code.startswith(case.name) or failed.value.code == "timeout"


async def test_an_unparseable_reply_is_no_answer(case: Case):
    case.fake.enqueue(Reply("I think the buyer might be someone in Estonia."))
    answer = await case.provider.answer(request(case.model))
    assert answer.answer is None and answer.citations == []


async def test_after_repeated_failures_the_breaker_stops_calling(case: Case):
    case.fake.script(ErrorResponse(503))
    for _ in range(5):
        with pytest.raises(ProviderFailed):
            await case.provider.answer(request(case.model))
    calls = case.chat_requests()
    with pytest.raises(ProviderFailed) as failed:
        await case.provider.answer(request(case.model))
    assert failed.value.code == f"{case.name}_unavailable" and case.chat_requests() == calls


async def test_a_refusal_fails_the_question_as_refused(fake_openai, fake_anthropic):
    for fake, client in ((fake_openai, OpenAIClient(api_key=fake_openai.api_key, base_url=fake_openai.base_url,
                                                    timeout_seconds=1, retry=QUICK)),
                         (fake_anthropic, AnthropicClient(api_key=fake_anthropic.api_key,
                                                          base_url=fake_anthropic.base_url, timeout_seconds=1,
                                                          retry=QUICK))):
        fake.enqueue(Refusal())
        with pytest.raises(ProviderFailed) as failed:
            await ModelProvider(client).answer(request("m"))
        assert failed.value.code == "refused"


async def test_a_wrong_key_is_unauthorized_and_never_retried(fake_openai):
    client = OpenAIClient(api_key="sk-wrong", base_url=fake_openai.base_url, timeout_seconds=1, retry=QUICK)
    with pytest.raises(ProviderFailed) as failed:
        await ModelProvider(client).answer(request("gpt-4o-mini"))
    assert failed.value.code == "openai_unauthorized" and "sk-wrong" not in str(failed.value)
    assert sum(1 for r in fake_openai.requests if r.method == "POST") == 1


async def test_an_unknown_ollama_model_is_model_not_found(fake_ollama):
    client = OllamaClient(base_url=fake_ollama.base_url, timeout_seconds=1, retry=QUICK)
    with pytest.raises(ProviderFailed) as failed:
        await ModelProvider(client).answer(request("no-such-model"))
    assert failed.value.code == "model_not_found"


async def test_calls_are_measured_by_provider_model_and_outcome(fake_openai):
    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    client = OpenAIClient(api_key=fake_openai.api_key, base_url=fake_openai.base_url, timeout_seconds=1, retry=QUICK)
    before_ok = sample("tenderflow_llm_call_seconds_count", provider="openai", model="metered", outcome="ok")
    before_tokens = sample("tenderflow_llm_tokens_total", provider="openai", model="metered", direction="prompt")
    fake_openai.enqueue(Reply(GROUNDED, input_tokens=40, output_tokens=9), ErrorResponse(400))
    await ModelProvider(client).answer(request("metered"))
    with pytest.raises(ProviderFailed):
        await ModelProvider(client).answer(request("metered"))
    calls = sample("tenderflow_llm_call_seconds_count", provider="openai", model="metered", outcome="ok")
    assert calls == before_ok + 1
    assert sample("tenderflow_llm_tokens_total", provider="openai", model="metered",
                  direction="prompt") == before_tokens + 40
    assert sample("tenderflow_llm_failures_total", provider="openai", model="metered", code="openai_rejected") >= 1
