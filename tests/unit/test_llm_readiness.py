"""`make llm-up` counts the model server as ready only when it lists the model and, asked to, completes a chat.

A llama.cpp built for instructions the machine does not let a process run listed its model and died on its first
completion; these tests run the readiness check against the project's fake OpenAI server behaving like that and
like a working one.
"""

import subprocess
import sys
from pathlib import Path

from tenderflow_common.testing.llm_fakes import FakeOpenAI, Truncated

MODELS_READY = Path(__file__).resolve().parents[2] / "scripts" / "llm" / "models_ready.py"


def readiness(fake: FakeOpenAI, *flags: str, model: str | None = None,
              api_key: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MODELS_READY), "--base-url", fake.base_url,
                           "--api-key", api_key or fake.api_key, "--model", model or fake.models[0], *flags],
                          capture_output=True, text=True, timeout=60)


def test_a_server_that_lists_the_model_but_cannot_complete_is_not_ready_when_generation_is_asked(
        fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Truncated(keep=0.0))  # the connection drops, as with a server process that dies mid-request
    listed_only = readiness(fake_openai)
    generating = readiness(fake_openai, "--generate")
    assert listed_only.returncode == 0
    assert generating.returncode == 3
    assert "did not complete a one-token chat" in generating.stderr
    assert len(fake_openai.requests_to("/v1/chat/completions")) == 1


def test_a_server_that_completes_is_ready(fake_openai: FakeOpenAI) -> None:
    assert readiness(fake_openai, "--generate").returncode == 0
    [chat] = fake_openai.requests_to("/v1/chat/completions")
    assert chat.json["max_tokens"] == 1


def test_a_server_serving_another_model_is_told_apart(fake_openai: FakeOpenAI) -> None:
    assert readiness(fake_openai, "--generate", model="gemma-3-270m").returncode == 2
    assert not fake_openai.requests_to("/v1/chat/completions")


def test_a_server_refusing_the_key_is_not_ready(fake_openai: FakeOpenAI) -> None:
    assert readiness(fake_openai, api_key="wrong").returncode == 1
