"""What every LLM fake shares: the order of scripted behaviours, rules, recording and concurrent requests."""

import asyncio
import time

import httpx
import openai
import pytest

from tenderflow_common.testing.llm_fakes import ErrorResponse, FakeOllama, FakeOpenAI, Hang, RateLimited, Reply


def ask(fake: FakeOllama, model: str = "llama3.2") -> httpx.Response:
    return httpx.post(f"{fake.url}/api/chat", json={"model": model, "messages": [], "stream": False})


def test_queued_behaviours_come_first_in_order_then_rules_then_a_plain_reply(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply("from the rule"), times=1)
    fake_ollama.enqueue(RateLimited(), Reply("second"))

    statuses = [ask(fake_ollama) for _ in range(4)]

    assert [r.status_code for r in statuses] == [429, 200, 200, 200]
    assert [r.json()["message"]["content"] for r in statuses[1:]] == ["second", "from the rule", "OK"]


def test_rules_match_by_model_or_predicate_and_last_forever_unless_limited(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(ErrorResponse(503), model="qwen2.5:7b")
    fake_ollama.script(Reply("short"), when=lambda request: request.json["messages"] == [], times=2)

    assert [ask(fake_ollama, "qwen2.5:7b").status_code for _ in range(3)] == [503, 503, 503]
    assert [ask(fake_ollama).json()["message"]["content"] for _ in range(3)] == ["short", "short", "OK"]


def test_every_request_is_recorded_with_headers_and_body(fake_ollama: FakeOllama) -> None:
    httpx.get(f"{fake_ollama.url}/api/tags", headers={"X-Trace": "abc"})
    ask(fake_ollama)

    assert [(r.method, r.path) for r in fake_ollama.requests] == [("GET", "/api/tags"), ("POST", "/api/chat")]
    assert fake_ollama.requests[0].headers["x-trace"] == "abc"
    assert fake_ollama.requests_to("/api/chat")[0].json == {"model": "llama3.2", "messages": [], "stream": False}
    fake_ollama.reset()
    assert fake_ollama.requests == []


def test_an_unknown_route_is_a_404_in_the_api_error_shape(fake_openai: FakeOpenAI) -> None:
    response = httpx.post(f"{fake_openai.base_url}/completions", json={})

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (POST /v1/completions)"


async def test_a_hanging_request_does_not_hold_up_the_others(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Hang(seconds=1.0), *(Reply(f"answer {i}") for i in range(5)))
    client = openai.AsyncOpenAI(base_url=fake_openai.base_url, api_key=fake_openai.api_key, max_retries=0)

    async def ask_openai() -> tuple[str | None, float]:
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[])
        return completion.choices[0].message.content, time.monotonic()

    started = time.monotonic()
    slow = asyncio.create_task(ask_openai())
    await asyncio.sleep(0.1)
    fast = await asyncio.gather(*(ask_openai() for _ in range(5)))
    slow_content, slow_done = await slow

    assert sorted(content for content, _ in fast) == [f"answer {i}" for i in range(5)]
    assert all(done - started < 0.9 for _, done in fast)
    assert slow_content == "OK" and slow_done - started >= 1.0
    await client.close()


def test_a_stopped_fake_ends_its_hanging_requests_and_frees_the_port() -> None:
    fake = FakeOpenAI().start()
    fake.enqueue(Hang(seconds=60))
    with pytest.raises(httpx.TimeoutException):
        httpx.post(f"{fake.base_url}/chat/completions", json={"model": "m", "messages": []},
                   headers={"Authorization": f"Bearer {fake.api_key}"}, timeout=0.2)

    started = time.monotonic()
    fake.stop()

    assert time.monotonic() - started < 3
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{fake.base_url}/models", timeout=1)
