"""`openai:<model>`: the official SDK, against OpenAI or any OpenAI-compatible server (vLLM, llama.cpp, LM Studio)."""

from typing import Literal

import httpx
import openai

from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderFailed, Usage
from tenderflow_questions.providers.model import Completion
from tenderflow_questions.providers.resilience import Resilience, RetryPolicy, retry_after_seconds

# Strict JSON schema output: every property required, nothing else allowed.
SCHEMA = {"type": "object", "additionalProperties": False, "required": ["answer", "quote", "passage"],
          "properties": {"answer": {"type": "string"}, "quote": {"type": "string"}, "passage": {"type": "integer"}}}
StructuredOutput = Literal["json_schema", "json_object", "none"]
RESPONSE_FORMATS: dict[str, dict | None] = {
    # OpenAI's own structured outputs.
    "json_schema": {"type": "json_schema", "json_schema": {"name": "procurement_answer", "strict": True,
                                                           "schema": SCHEMA}},
    # llama.cpp's server (and others) constrain JSON mode to a schema given beside it, lengths included, which
    # keeps a small model from rambling.
    "json_object": {"type": "json_object", "schema": {**SCHEMA, "properties": {
        "answer": {"type": "string", "maxLength": 120}, "quote": {"type": "string", "maxLength": 300},
        "passage": {"type": "integer"}}}},
    # Servers with neither: the prompt asks for JSON and the reply is parsed defensively.
    "none": None,
}


class OpenAIClient:
    name = "openai"

    def __init__(self, *, api_key: str, base_url: str | None, timeout_seconds: float,
                 structured_output: StructuredOutput = "json_schema", retry: RetryPolicy | None = None) -> None:
        # The SDK's own retries are off: Resilience retries, honouring Retry-After, and keeps the breaker.
        self._client = openai.AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=0)
        self._response_format = RESPONSE_FORMATS[structured_output]
        self.resilience = Resilience(self.name, transient=_transient, retry_after=_retry_after, failed=_failed,
                                     policy=retry)

    async def complete(self, request: AnswerRequest) -> Completion:
        response = await self._client.chat.completions.create(
            model=request.model, temperature=request.temperature, max_tokens=request.max_tokens,
            **({"response_format": self._response_format} if self._response_format else {}),
            messages=[{"role": "system", "content": llm.SYSTEM_PROMPT},
                      {"role": "user", "content": llm.user_prompt(request)}],
        )
        usage = Usage(response.usage.prompt_tokens, response.usage.completion_tokens) if response.usage else Usage()
        message = response.choices[0].message if response.choices else None
        if message is not None and message.refusal:
            raise ProviderFailed("refused", "the model refused to answer")
        content = message.content if message is not None else None
        return Completion(llm.parse_reply(content) if content else None, usage)

    async def aclose(self) -> None:
        await self._client.close()


def _transient(error: BaseException) -> bool:
    if isinstance(error, openai.APIStatusError):
        return error.status_code in (408, 409, 429) or error.status_code >= 500
    return isinstance(error, openai.APIConnectionError | openai.APITimeoutError | httpx.TransportError)


def _retry_after(error: BaseException) -> float | None:
    return retry_after_seconds(error.response.headers) if isinstance(error, openai.APIStatusError) else None


def _failed(error: BaseException) -> ProviderFailed:
    """A stable code for a failure that stays; the message never carries the key or the server's body."""
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderFailed("openai_unauthorized", "the OpenAI API refused the key")
    if isinstance(error, openai.RateLimitError):
        return ProviderFailed("rate_limited", "the OpenAI API kept refusing for rate limits")
    if isinstance(error, openai.NotFoundError):
        return ProviderFailed("model_not_found", "the OpenAI API does not know this model")
    if isinstance(error, openai.APITimeoutError):
        return ProviderFailed("timeout", "the OpenAI API did not answer in time")
    if isinstance(error, openai.APIStatusError) and error.status_code < 500:
        return ProviderFailed("openai_rejected", f"the OpenAI API refused the request ({error.status_code})")
    return ProviderFailed("openai_unavailable", "the OpenAI API could not be reached or kept failing")
