"""The OpenAI fake speaks OpenAI's wire format: the official SDK parses its answers and maps its errors."""

import openai
import pydantic
import pytest

from tenderflow_common.testing.llm_fakes import (
    ErrorResponse,
    FakeOpenAI,
    Hang,
    Malformed,
    Overloaded,
    RateLimited,
    Refusal,
    Reply,
    Truncated,
)

MESSAGES = [{"role": "user", "content": "Who is the buyer?"}]


class BuyerAnswer(pydantic.BaseModel):
    buyer: str
    confidence: float


@pytest.fixture
def client(fake_openai: FakeOpenAI) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake_openai.base_url, api_key=fake_openai.api_key, max_retries=0, timeout=2.0)


def test_a_completion_parses_and_the_request_is_recorded(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Reply("Port of Harbourtown", input_tokens=40, output_tokens=6))

    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, temperature=0.1, max_tokens=64
    )

    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-mini"
    choice = completion.choices[0]
    assert (choice.message.role, choice.message.content, choice.message.refusal) == (
        "assistant", "Port of Harbourtown", None
    )
    assert choice.finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (
        40, 6, 46
    )
    [sent] = fake_openai.requests
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.json["model"] == "gpt-4o-mini"
    assert sent.json["temperature"] == 0.1
    assert sent.json["max_tokens"] == 64
    assert sent.json["messages"] == MESSAGES
    assert sent.headers["authorization"] == f"Bearer {fake_openai.api_key}"
    assert fake_openai.api_key.encode() not in sent.body


def test_streaming_yields_deltas_then_a_usage_chunk(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Reply("The deadline is 12 May 2025.", input_tokens=30, output_tokens=9))

    chunks = list(client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    ))

    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text == "The deadline is 12 May 2025."
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 39
    assert fake_openai.requests[0].json["stream_options"] == {"include_usage": True}


def test_a_stream_without_include_usage_has_no_usage_chunk(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True))

    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(chunk.usage is None for chunk in chunks)


def test_structured_output_parses_into_the_schema(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Reply({"buyer": "Port of Harbourtown", "confidence": 0.9}))

    completion = client.chat.completions.parse(model="gpt-4o-mini", messages=MESSAGES, response_format=BuyerAnswer)

    assert completion.choices[0].message.parsed == BuyerAnswer(buyer="Port of Harbourtown", confidence=0.9)
    response_format = fake_openai.requests[0].json["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "BuyerAnswer"


def test_a_refusal_sets_refusal_and_leaves_content_null(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Refusal("I can't help with that."), Refusal("No."))

    completion = client.chat.completions.parse(model="gpt-4o-mini", messages=MESSAGES, response_format=BuyerAnswer)
    streamed = list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True))

    message = completion.choices[0].message
    assert (message.content, message.refusal, message.parsed) == (None, "I can't help with that.", None)
    assert "".join(c.choices[0].delta.refusal or "" for c in streamed) == "No."
    assert all(c.choices[0].delta.content is None for c in streamed)


def test_a_rate_limit_is_a_rate_limit_error_with_retry_after(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(RateLimited(retry_after=1.5))

    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    error = caught.value
    assert error.status_code == 429
    assert (error.type, error.code) == ("requests", "rate_limit_exceeded")
    assert error.response.headers["retry-after"] == "2"
    assert error.response.headers["retry-after-ms"] == "1500"
    assert error.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert error.response.headers["x-ratelimit-limit-tokens"]
    assert error.response.headers["x-request-id"].startswith("req_")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_internal_server_errors(
    fake_openai: FakeOpenAI, client: openai.OpenAI, status: int
) -> None:
    fake_openai.enqueue(ErrorResponse(status))

    with pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    assert caught.value.status_code == status
    assert caught.value.type == "server_error"
    assert caught.value.message


def test_overloaded_is_a_503(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Overloaded())

    with pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    assert caught.value.status_code == 503


def test_a_wrong_key_is_an_authentication_error_that_masks_it(fake_openai: FakeOpenAI) -> None:
    wrong = openai.OpenAI(base_url=fake_openai.base_url, api_key="sk-wrong-0123456789", max_retries=0)

    with pytest.raises(openai.AuthenticationError) as caught:
        wrong.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    assert caught.value.code == "invalid_api_key"
    assert "sk-wrong-0123456789" not in caught.value.message


def test_a_hang_past_the_timeout_is_a_timeout_error(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Hang(seconds=10), Hang(seconds=10, after_events=2))

    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.3).chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    stream = client.with_options(timeout=0.3).chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True
    )
    assert next(stream).choices[0].delta.role == "assistant"
    with pytest.raises(openai.APITimeoutError):
        list(stream)


def test_a_truncated_body_or_stream_raises(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Truncated(), Truncated(after_events=2))

    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    received = []
    with pytest.raises(openai.APIConnectionError):
        received.extend(stream)
    assert len(received) == 2


def test_malformed_json_does_not_parse(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.enqueue(Malformed(), Malformed())

    with pytest.raises(ValueError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    with pytest.raises(ValueError):
        list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True))


def test_models_are_listed(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.models = ["gpt-4o-mini", "gpt-4.1"]

    assert [model.id for model in client.models.list()] == ["gpt-4o-mini", "gpt-4.1"]
