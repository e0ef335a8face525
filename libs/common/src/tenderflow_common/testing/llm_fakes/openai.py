"""A fake of OpenAI's Chat Completions API: `POST /v1/chat/completions` (plain and SSE) and `GET /v1/models`."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tenderflow_common.testing.llm_fakes.script import Overloaded, RateLimited, RecordedRequest, Refusal, Reply
from tenderflow_common.testing.llm_fakes.server import Answer, FakeLLMServer, WireResponse, pieces

_ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "invalid_request_error",
                404: "invalid_request_error", 429: "requests"}
_ERROR_MESSAGES = {
    500: "The server had an error while processing your request. Sorry about that!",
    502: "Bad gateway.",
    503: "The server is overloaded or not ready yet.",
}
_LIMITS = {"requests": 10_000, "tokens": 2_000_000}


class FakeOpenAI(FakeLLMServer):
    """OpenAI's wire format: `base_url` ends in /v1, `Authorization: Bearer <api_key>` is checked."""

    base_path = "/v1"
    default_models = ("gpt-4o-mini", "gpt-4o")

    def __init__(self, *, api_key: str | None = None, models: list[str] | None = None) -> None:
        super().__init__(api_key=api_key or f"sk-fake-{secrets.token_hex(16)}", models=models)

    def routes(self) -> list[Route]:
        return [
            Route("/v1/chat/completions", self._chat_completions, methods=["POST"]),
            Route("/v1/models", self._list_models, methods=["GET"]),
        ]

    async def _chat_completions(self, request: Request) -> Response | WireResponse:
        recorded = await self.record(request)
        if (refused := self._check_key(recorded)) is not None:
            return refused
        body = recorded.json
        if not isinstance(body, dict):
            return self.error(400, "We could not parse the JSON body of your request.")
        for field in ("model", "messages"):
            if field not in body:
                return self.error(400, f"Missing required parameter: '{field}'.", param=field,
                                  code="missing_required_parameter")
        return await self.answer(recorded, stream=body.get("stream") is True)

    async def _list_models(self, request: Request) -> Response:
        recorded = await self.record(request)
        if (refused := self._check_key(recorded)) is not None:
            return refused
        data = [{"id": name, "object": "model", "created": 1_715_367_049, "owned_by": "system"} for name in self.models]
        return JSONResponse({"object": "list", "data": data}, headers=self.response_headers())

    def _check_key(self, request: RecordedRequest) -> Response | None:
        sent = request.headers.get("authorization", "")
        if not sent.startswith("Bearer ") or not sent[7:].strip():
            return self.error(401, "You didn't provide an API key. You need to provide your API key in an "
                              "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        key = sent[7:].strip()
        if key != self.api_key:
            masked = f"{key[:3]}*****{key[-4:]}" if len(key) > 8 else "*****"
            return self.error(401, f"Incorrect API key provided: {masked}.", code="invalid_api_key")
        return None

    # --- wire format ----------------------------------------------------------------------------------------

    def completion(self, request: RecordedRequest, answer: Answer) -> dict[str, Any]:
        if isinstance(answer, Refusal):
            message = {"role": "assistant", "content": None, "refusal": answer.message, "annotations": []}
        else:
            message = {"role": "assistant", "content": answer.text, "refusal": None, "annotations": []}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": _finish_reason(answer)}
        return {**self._envelope(request, "chat.completion"), "choices": [choice], "usage": _usage(answer)}

    def stream_parts(self, request: RecordedRequest, answer: Answer) -> list[bytes]:
        envelope = self._envelope(request, "chat.completion.chunk")
        options = (request.json or {}).get("stream_options") or {}
        with_usage = bool(options.get("include_usage"))

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return {**envelope, "choices": [choice], **({"usage": None} if with_usage else {})}

        if isinstance(answer, Refusal):
            field, text = "refusal", answer.message
            chunks = [chunk({"role": "assistant", "content": None, "refusal": ""})]
        else:
            field, text = "content", answer.text
            chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
        chunks += [chunk({field: piece}) for piece in pieces(text)]
        chunks.append(chunk({}, _finish_reason(answer)))
        if with_usage:
            chunks.append({**envelope, "choices": [], "usage": _usage(answer)})
        return [self.frame(json.dumps(c)) for c in chunks] + [self.frame("[DONE]")]

    def frame(self, raw: str) -> bytes:
        return f"data: {raw}\n\n".encode()

    def _envelope(self, request: RecordedRequest, kind: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{secrets.token_urlsafe(21)}",
            "object": kind,
            "created": int(time.time()),
            "model": request.model or "gpt-4o-mini",
            "service_tier": "default",
            "system_fingerprint": "fp_fake0001",
        }

    def error(
        self, status: int, message: str | None = None, *, type: str | None = None, code: str | None = None,
        headers: dict[str, str] | None = None, param: str | None = None,
    ) -> Response:
        error = {
            "message": message or _ERROR_MESSAGES.get(status, f"Error {status}."),
            "type": type or _ERROR_TYPES.get(status, "server_error"),
            "param": param,
            "code": code,
        }
        headers = {**self.response_headers(), **(headers or {})}
        return JSONResponse({"error": error}, status_code=status, headers=headers)

    def rate_limited(self, behaviour: RateLimited) -> Response:
        wait = behaviour.retry_after
        message = behaviour.message or (
            f"Rate limit reached for requests in organization org-fake on requests per min (RPM): "
            f"Limit {_LIMITS['requests']}, Used {_LIMITS['requests']}, Requested 1. Please try again in {wait:g}s."
        )
        headers = {
            "retry-after": behaviour.retry_after_header,
            "retry-after-ms": str(int(wait * 1000)),
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": f"{wait:g}s",
        }
        return self.error(429, message, code="rate_limit_exceeded", headers=headers)

    def overloaded(self, behaviour: Overloaded) -> Response:
        return self.error(503, behaviour.message or "The engine is currently overloaded, please try again later.")

    def response_headers(self) -> dict[str, str]:
        return {
            "x-request-id": f"req_{secrets.token_hex(16)}",
            "openai-version": "2020-10-01",
            "openai-processing-ms": "42",
            "x-ratelimit-limit-requests": str(_LIMITS["requests"]),
            "x-ratelimit-limit-tokens": str(_LIMITS["tokens"]),
            "x-ratelimit-remaining-requests": str(_LIMITS["requests"] - 1),
            "x-ratelimit-remaining-tokens": str(_LIMITS["tokens"] - 1_000),
            "x-ratelimit-reset-requests": "6ms",
            "x-ratelimit-reset-tokens": "30ms",
        }


def _finish_reason(answer: Answer) -> str:
    return (answer.stop if isinstance(answer, Reply) else None) or "stop"


def _usage(answer: Answer) -> dict[str, Any]:
    return {
        "prompt_tokens": answer.input_tokens,
        "completion_tokens": answer.output_tokens,
        "total_tokens": answer.input_tokens + answer.output_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0,
        },
    }
