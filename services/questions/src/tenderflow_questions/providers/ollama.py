"""`ollama:<model>`: Ollama's chat API through its official client, with the reply schema as `format`."""

import httpx
import ollama

from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderFailed, Usage
from tenderflow_questions.providers.model import Completion
from tenderflow_questions.providers.resilience import Resilience, RetryPolicy


class OllamaClient:
    name = "ollama"

    def __init__(self, *, base_url: str, timeout_seconds: float,
                 retry: RetryPolicy | None = None) -> None:
        self._client = ollama.AsyncClient(host=base_url, timeout=timeout_seconds)
        # Ollama sends no Retry-After; a busy server answers 503 and is retried with backoff.
        self.resilience = Resilience(self.name, transient=_transient, retry_after=lambda _error: None,
                                     failed=_failed, policy=retry)

    async def complete(self, request: AnswerRequest) -> Completion:
        response = await self._client.chat(
            model=request.model, stream=False, format=llm.REPLY_SCHEMA,
            options={"temperature": request.temperature, "num_predict": request.max_tokens},
            messages=[{"role": "system", "content": llm.SYSTEM_PROMPT},
                      {"role": "user", "content": llm.user_prompt(request)}],
        )
        usage = Usage(response.prompt_eval_count or 0, response.eval_count or 0)
        content = response.message.content if response.message else None
        return Completion(llm.parse_reply(content) if content else None, usage)

    async def aclose(self) -> None:
        await self._client.close()


def _transient(error: BaseException) -> bool:
    if isinstance(error, ollama.ResponseError):
        return error.status_code in (408, 429) or error.status_code >= 500
    return isinstance(error, httpx.TransportError)


def _failed(error: BaseException) -> ProviderFailed:
    if isinstance(error, ollama.ResponseError) and error.status_code == 404:
        return ProviderFailed("model_not_found", "the Ollama server does not have this model")
    if isinstance(error, httpx.TimeoutException):
        return ProviderFailed("timeout", "the Ollama server did not answer in time")
    if isinstance(error, ollama.ResponseError) and error.status_code < 500:
        return ProviderFailed("ollama_rejected", f"the Ollama server refused the request ({error.status_code})")
    return ProviderFailed("ollama_unavailable", "the Ollama server could not be reached or kept failing")
