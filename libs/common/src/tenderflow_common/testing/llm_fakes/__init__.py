"""Fakes of the OpenAI, Anthropic and Ollama HTTP APIs for the error paths a local model never shows.

Each fake is a real server on 127.0.0.1 (uvicorn in a background thread) speaking its API's wire format, answering
chat requests as scripted (`enqueue` for the next requests, `script` for rules) and recording every request.
"""

from tenderflow_common.testing.llm_fakes.anthropic import FakeAnthropic
from tenderflow_common.testing.llm_fakes.ollama import FakeOllama
from tenderflow_common.testing.llm_fakes.openai import FakeOpenAI
from tenderflow_common.testing.llm_fakes.script import (
    Behaviour,
    ErrorResponse,
    Hang,
    Malformed,
    Overloaded,
    RateLimited,
    RecordedRequest,
    Refusal,
    Reply,
    Truncated,
)
from tenderflow_common.testing.llm_fakes.server import FakeLLMServer

__all__ = [
    "Behaviour",
    "ErrorResponse",
    "FakeAnthropic",
    "FakeLLMServer",
    "FakeOllama",
    "FakeOpenAI",
    "Hang",
    "Malformed",
    "Overloaded",
    "RateLimited",
    "RecordedRequest",
    "Refusal",
    "Reply",
    "Truncated",
]
