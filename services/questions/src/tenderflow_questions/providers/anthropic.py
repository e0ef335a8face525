"""`anthropic:<model>`: the official SDK's Messages API; the reply comes back as a forced tool call."""

import anthropic
import httpx
import httpx2

from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderFailed, Usage
from tenderflow_questions.providers.model import Completion
from tenderflow_questions.providers.resilience import Resilience, RetryPolicy, retry_after_seconds

TOOL = {"name": "record_answer", "description": "Record the answer, its exact supporting quote and passage number.",
        "input_schema": llm.REPLY_SCHEMA}


class AnthropicClient:
    name = "anthropic"

    def __init__(self, *, api_key: str, base_url: str | None, timeout_seconds: float,
                 retry: RetryPolicy | None = None) -> None:
        self._client = anthropic.AsyncAnthropic(api_key=api_key, base_url=base_url, timeout=timeout_seconds,
                                                max_retries=0)
        self.resilience = Resilience(self.name, transient=_transient, retry_after=_retry_after, failed=_failed,
                                     policy=retry)

    async def complete(self, request: AnswerRequest) -> Completion:
        # The Messages API of this SDK takes no temperature: its models choose their own sampling.
        message = await self._client.messages.create(
            model=request.model, max_tokens=request.max_tokens,
            system=llm.SYSTEM_PROMPT, messages=[{"role": "user", "content": llm.user_prompt(request)}],
            tools=[TOOL], tool_choice={"type": "tool", "name": TOOL["name"]},
        )
        usage = Usage(message.usage.input_tokens, message.usage.output_tokens)
        if message.stop_reason == "refusal":
            raise ProviderFailed("refused", "the model refused to answer")
        for block in message.content:
            if block.type == "tool_use" and block.name == TOOL["name"]:
                try:
                    return Completion(llm.ModelReply.model_validate(block.input), usage)
                except ValueError:
                    return Completion(None, usage)
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(llm.parse_reply(text), usage)

    async def aclose(self) -> None:
        await self._client.close()


def _transient(error: BaseException) -> bool:
    if isinstance(error, anthropic.APIStatusError):
        return error.status_code in (408, 409, 429, 529) or error.status_code >= 500
    # A stall or cut inside a response reaches us as the HTTP library's own error, not the SDK's.
    return isinstance(error, anthropic.APIConnectionError | httpx.TransportError | httpx2.TransportError)


def _retry_after(error: BaseException) -> float | None:
    return retry_after_seconds(error.response.headers) if isinstance(error, anthropic.APIStatusError) else None


def _failed(error: BaseException) -> ProviderFailed:
    if isinstance(error, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return ProviderFailed("anthropic_unauthorized", "the Anthropic API refused the key")
    if isinstance(error, anthropic.RateLimitError):
        return ProviderFailed("rate_limited", "the Anthropic API kept refusing for rate limits")
    if isinstance(error, anthropic.NotFoundError):
        return ProviderFailed("model_not_found", "the Anthropic API does not know this model")
    if isinstance(error, anthropic.APITimeoutError | httpx2.TimeoutException | httpx.TimeoutException):
        return ProviderFailed("timeout", "the Anthropic API did not answer in time")
    if isinstance(error, anthropic.APIStatusError) and error.status_code < 500:
        return ProviderFailed("anthropic_rejected", f"the Anthropic API refused the request ({error.status_code})")
    return ProviderFailed("anthropic_unavailable", "the Anthropic API could not be reached or kept failing")
