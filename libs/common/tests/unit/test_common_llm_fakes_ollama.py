"""The Ollama fake speaks Ollama's wire format: the official client parses its answers and maps its errors."""

import json

import httpx
import ollama
import pytest

from tenderflow_common.testing.llm_fakes import (
    ErrorResponse,
    FakeOllama,
    Hang,
    Malformed,
    Overloaded,
    RateLimited,
    Reply,
    Truncated,
)

MODEL = "llama3.2"
MESSAGES = [{"role": "user", "content": "Who is the buyer?"}]
SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"}},
    "required": ["answer", "confidence"],
}


@pytest.fixture
def client(fake_ollama: FakeOllama) -> ollama.Client:
    return ollama.Client(host=fake_ollama.base_url, timeout=2.0)


def test_a_chat_parses_and_the_request_is_recorded(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.enqueue(Reply("Port of Harbourtown", input_tokens=40, output_tokens=6))

    response = client.chat(model=MODEL, messages=MESSAGES, stream=False, options={"temperature": 0, "num_predict": 64})

    assert response.model == MODEL
    assert (response.message.role, response.message.content) == ("assistant", "Port of Harbourtown")
    assert (response.done, response.done_reason) == (True, "stop")
    assert (response.prompt_eval_count, response.eval_count) == (40, 6)
    assert response.total_duration and response.eval_duration and response.created_at
    [sent] = fake_ollama.requests
    assert (sent.method, sent.path) == ("POST", "/api/chat")
    assert sent.json["stream"] is False
    assert sent.json["options"] == {"temperature": 0, "num_predict": 64}


def test_streaming_is_ndjson_by_default(fake_ollama: FakeOllama) -> None:
    fake_ollama.enqueue(Reply("The deadline is 12 May 2025.", output_tokens=9), Reply("Twice."))

    parts = list(ollama.Client(host=fake_ollama.base_url).chat(model=MODEL, messages=MESSAGES, stream=True))
    raw = httpx.post(f"{fake_ollama.url}/api/chat", json={"model": MODEL, "messages": MESSAGES})

    assert "".join(part.message.content for part in parts) == "The deadline is 12 May 2025."
    assert [part.done for part in parts] == [False] * (len(parts) - 1) + [True]
    assert parts[-1].eval_count == 9
    assert raw.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in raw.text.splitlines()]
    assert "".join(line["message"]["content"] for line in lines) == "Twice."
    assert lines[-1]["done_reason"] == "stop"


def test_a_format_schema_gets_the_scripted_json(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.enqueue(Reply({"answer": "Port of Harbourtown", "confidence": 0.9}))

    response = client.chat(model=MODEL, messages=MESSAGES, format=SCHEMA, stream=False)

    assert json.loads(response.message.content) == {"answer": "Port of Harbourtown", "confidence": 0.9}
    assert fake_ollama.requests[0].json["format"] == SCHEMA


def test_an_unknown_model_is_a_404(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        client.chat(model="nonexistent", messages=MESSAGES, stream=False)

    assert caught.value.status_code == 404
    assert caught.value.error == "model 'nonexistent' not found"


@pytest.mark.parametrize(
    ("behaviour", "status"),
    [(RateLimited(retry_after=2), 429), (ErrorResponse(500, "boom"), 500), (ErrorResponse(502), 502),
     (Overloaded(), 503)],
)
def test_errors_are_response_errors_with_their_status(
    fake_ollama: FakeOllama, client: ollama.Client, behaviour, status: int
) -> None:
    fake_ollama.enqueue(behaviour, behaviour)

    with pytest.raises(ollama.ResponseError) as plain:
        client.chat(model=MODEL, messages=MESSAGES, stream=False)
    with pytest.raises(ollama.ResponseError) as streamed:
        list(client.chat(model=MODEL, messages=MESSAGES, stream=True))

    assert plain.value.status_code == streamed.value.status_code == status
    assert plain.value.error and not plain.value.error.startswith("{")
    if status == 429:
        assert httpx.post(f"{fake_ollama.url}/api/chat", json={"model": MODEL, "messages": []}).status_code == 200
        fake_ollama.enqueue(behaviour)
        raw = httpx.post(f"{fake_ollama.url}/api/chat", json={"model": MODEL, "messages": []})
        assert raw.headers["retry-after"] == "2"


def test_a_hang_past_the_timeout_is_a_timeout(fake_ollama: FakeOllama) -> None:
    fake_ollama.enqueue(Hang(seconds=10), Hang(seconds=10, after_events=2))
    client = ollama.Client(host=fake_ollama.base_url, timeout=0.3)

    with pytest.raises(httpx.TimeoutException):
        client.chat(model=MODEL, messages=MESSAGES, stream=False)
    parts = client.chat(model=MODEL, messages=MESSAGES, stream=True)
    assert next(parts).done is False
    with pytest.raises(httpx.TimeoutException):
        list(parts)


def test_a_truncated_body_or_stream_raises(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.enqueue(Truncated(), Truncated(after_events=2))

    with pytest.raises(httpx.RemoteProtocolError):
        client.chat(model=MODEL, messages=MESSAGES, stream=False)
    received = []
    with pytest.raises(httpx.RemoteProtocolError):
        received.extend(client.chat(model=MODEL, messages=MESSAGES, stream=True))
    assert len(received) == 2


def test_malformed_json_does_not_parse(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.enqueue(Malformed(), Malformed())

    with pytest.raises(ValueError):
        client.chat(model=MODEL, messages=MESSAGES, stream=False)
    with pytest.raises(ValueError):
        list(client.chat(model=MODEL, messages=MESSAGES, stream=True))


def test_tags_list_the_models(fake_ollama: FakeOllama, client: ollama.Client) -> None:
    fake_ollama.models = ["gemma3:270m", "llama3.2"]

    assert [model.model for model in client.list().models] == ["gemma3:270m", "llama3.2:latest"]
    assert client.chat(model="gemma3:270m", messages=MESSAGES, stream=False).done
