"""The Anthropic fake speaks Anthropic's wire format: the official SDK parses its answers and maps its errors."""

import anthropic
import httpx
import httpx2
import pydantic
import pytest

from tenderflow_common.testing.llm_fakes import (
    ErrorResponse,
    FakeAnthropic,
    Hang,
    Malformed,
    Overloaded,
    RateLimited,
    Refusal,
    Reply,
    Truncated,
)

MODEL = "claude-haiku-4-5"
MESSAGES = [{"role": "user", "content": "Who is the buyer?"}]
ANSWER_TOOL = {
    "name": "record_answer",
    "description": "Record the answer to the question.",
    "input_schema": {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
        "required": ["answer", "confidence"],
    },
}


class BuyerAnswer(pydantic.BaseModel):
    answer: str
    confidence: float


@pytest.fixture
def client(fake_anthropic: FakeAnthropic) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=fake_anthropic.base_url, api_key=fake_anthropic.api_key, max_retries=0, timeout=2.0
    )


def test_a_message_parses_and_the_request_is_recorded(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    fake_anthropic.enqueue(Reply("Port of Harbourtown", input_tokens=40, output_tokens=6))

    message = client.messages.create(model=MODEL, max_tokens=64, system="Answer briefly.", messages=MESSAGES)

    assert (message.type, message.role, message.model) == ("message", "assistant", MODEL)
    assert message.id.startswith("msg_")
    assert [(block.type, block.text) for block in message.content] == [("text", "Port of Harbourtown")]
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (40, 6)
    [sent] = fake_anthropic.requests
    assert (sent.method, sent.path) == ("POST", "/v1/messages")
    assert (sent.json["model"], sent.json["max_tokens"], sent.json["system"]) == (MODEL, 64, "Answer briefly.")
    assert sent.headers["anthropic-version"]
    sent_key = sent.headers.get("x-api-key") or sent.headers["authorization"].removeprefix("Bearer ")
    assert sent_key == fake_anthropic.api_key
    assert fake_anthropic.api_key.encode() not in sent.body


def test_streaming_sends_the_real_event_sequence(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(Reply("The deadline is 12 May 2025.", input_tokens=30, output_tokens=9))

    with client.messages.stream(model=MODEL, max_tokens=64, messages=MESSAGES) as stream:
        events = [event.type for event in stream]
        final = stream.get_final_message()

    raw = [e for e in events if e in {"message_start", "content_block_start", "content_block_stop",
                                      "message_delta", "message_stop"}]
    assert raw == ["message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"]
    assert "content_block_delta" in events
    assert final.content[0].text == "The deadline is 12 May 2025."
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (30, 9)


def test_a_forced_tool_answers_with_a_tool_use_block(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    answer = {"answer": "Port of Harbourtown", "confidence": 0.9}
    fake_anthropic.enqueue(Reply(answer), Reply(answer))
    tool_choice = {"type": "tool", "name": "record_answer"}

    message = client.messages.create(
        model=MODEL, max_tokens=64, messages=MESSAGES, tools=[ANSWER_TOOL], tool_choice=tool_choice
    )
    with client.messages.stream(
        model=MODEL, max_tokens=64, messages=MESSAGES, tools=[ANSWER_TOOL], tool_choice=tool_choice
    ) as stream:
        streamed = stream.get_final_message()

    for result in (message, streamed):
        [block] = result.content
        assert (block.type, block.name, block.input) == ("tool_use", "record_answer", answer)
        assert block.id.startswith("toolu_")
        assert result.stop_reason == "tool_use"
    assert fake_anthropic.requests[0].json["tool_choice"] == tool_choice


def test_structured_output_parses_from_a_text_block(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    fake_anthropic.enqueue(Reply({"answer": "Port of Harbourtown", "confidence": 0.9}))

    message = client.messages.parse(model=MODEL, max_tokens=64, messages=MESSAGES, output_format=BuyerAnswer)

    assert message.parsed_output == BuyerAnswer(answer="Port of Harbourtown", confidence=0.9)
    assert fake_anthropic.requests[0].json["output_config"]["format"]["type"] == "json_schema"


def test_a_refusal_stops_with_reason_refusal(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(Refusal())

    message = client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES, tools=[ANSWER_TOOL])

    assert message.stop_reason == "refusal"
    assert all(block.type != "tool_use" for block in message.content)


def test_a_rate_limit_is_a_rate_limit_error_with_retry_after(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic
) -> None:
    fake_anthropic.enqueue(RateLimited(retry_after=3))

    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)

    assert caught.value.status_code == 429
    assert caught.value.body["error"]["type"] == "rate_limit_error"
    assert caught.value.response.headers["retry-after"] == "3"
    assert caught.value.response.headers["anthropic-ratelimit-requests-remaining"] == "0"


@pytest.mark.parametrize(
    ("behaviour", "status", "error_type"),
    [
        (Overloaded(), 529, "overloaded_error"),
        (ErrorResponse(500), 500, "api_error"),
        (ErrorResponse(502), 502, "api_error"),
        (ErrorResponse(503), 503, "api_error"),
    ],
)
def test_server_errors_are_internal_server_errors(
    fake_anthropic: FakeAnthropic, client: anthropic.Anthropic, behaviour, status: int, error_type: str
) -> None:
    fake_anthropic.enqueue(behaviour)

    with pytest.raises(anthropic.InternalServerError) as caught:
        client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)

    assert caught.value.status_code == status
    assert caught.value.body["type"] == "error"
    assert caught.value.body["error"]["type"] == error_type
    if status == 529:
        assert isinstance(caught.value, anthropic.OverloadedError)


def test_a_bad_request_is_an_invalid_request_error(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(ErrorResponse(400, "messages: at least one message is required"))

    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)

    assert caught.value.body["error"] == {
        "type": "invalid_request_error", "message": "messages: at least one message is required"
    }


def test_the_version_header_and_the_key_are_required(fake_anthropic: FakeAnthropic) -> None:
    url = f"{fake_anthropic.base_url}/v1/messages"
    body = {"model": MODEL, "max_tokens": 8, "messages": MESSAGES}

    no_version = httpx.post(url, json=body, headers={"x-api-key": fake_anthropic.api_key})
    no_key = httpx.post(url, json=body, headers={"anthropic-version": "2023-06-01"})
    wrong_key = httpx.post(url, json=body, headers={"anthropic-version": "2023-06-01", "x-api-key": "nope"})
    right = httpx.post(url, json=body, headers={"anthropic-version": "2023-06-01", "x-api-key": fake_anthropic.api_key})

    assert no_version.status_code == 400
    assert no_version.json()["error"] == {"type": "invalid_request_error",
                                          "message": "anthropic-version: header is required"}
    assert (no_key.status_code, no_key.json()["error"]["type"]) == (401, "authentication_error")
    assert (wrong_key.status_code, wrong_key.json()["error"]["type"]) == (401, "authentication_error")
    assert right.status_code == 200
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=fake_anthropic.base_url, api_key="nope", max_retries=0).messages.create(
            model=MODEL, max_tokens=8, messages=MESSAGES
        )


def test_a_hang_past_the_timeout_is_a_timeout_error(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(Hang(seconds=10), Hang(seconds=10, after_events=2))

    with pytest.raises(anthropic.APITimeoutError):
        client.with_options(timeout=0.3).messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)
    # The SDK lets a read timeout in the middle of a stream through as its HTTP client's own exception.
    impatient = client.with_options(timeout=0.3)
    stream = impatient.messages.stream(model=MODEL, max_tokens=64, messages=MESSAGES)
    with pytest.raises(httpx2.ReadTimeout), stream as events:
        list(events)


def test_a_truncated_body_or_stream_raises(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(Truncated(), Truncated(after_events=3))

    with pytest.raises(anthropic.APIConnectionError):
        client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)
    received = []
    # The SDK lets a broken stream through unwrapped, as its HTTP client's own exception.
    with pytest.raises(httpx2.RemoteProtocolError), client.messages.stream(
        model=MODEL, max_tokens=64, messages=MESSAGES
    ) as stream:
        received.extend(event.type for event in stream)
    assert received[0] == "message_start"
    assert "message_stop" not in received


def test_malformed_json_does_not_parse(fake_anthropic: FakeAnthropic, client: anthropic.Anthropic) -> None:
    fake_anthropic.enqueue(Malformed(), Malformed())

    with pytest.raises(ValueError):
        client.messages.create(model=MODEL, max_tokens=64, messages=MESSAGES)
    with pytest.raises(ValueError), client.messages.stream(model=MODEL, max_tokens=64, messages=MESSAGES) as stream:
        list(stream)
