"""A fake of Ollama's native API: `POST /api/chat` (NDJSON streaming unless `stream: false`) and `GET /api/tags`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tenderflow_common.testing.llm_fakes.script import Overloaded, RateLimited, RecordedRequest, Refusal, Reply
from tenderflow_common.testing.llm_fakes.server import Answer, FakeLLMServer, WireResponse, pieces

_MS = 1_000_000  # Ollama reports durations in nanoseconds


class FakeOllama(FakeLLMServer):
    """Ollama's wire format: a model not in `models` is a 404; no key unless `api_key` is given (Bearer)."""

    default_models = ("llama3.2:latest", "qwen2.5:7b")
    stream_media_type = "application/x-ndjson"

    def routes(self) -> list[Route]:
        return [
            Route("/api/chat", self._chat, methods=["POST"]),
            Route("/api/tags", self._tags, methods=["GET"]),
        ]

    async def _chat(self, request: Request) -> Response | WireResponse:
        recorded = await self.record(request)
        if self.api_key is not None and recorded.headers.get("authorization") != f"Bearer {self.api_key}":
            return self.error(401, "unauthorized")
        body = recorded.json
        if not isinstance(body, dict):
            return self.error(400, "invalid character in request body")
        model = body.get("model")
        if not model:
            return self.error(400, "model is required")
        if _full_name(model) not in {_full_name(name) for name in self.models}:
            return self.error(404, f"model '{model}' not found")
        return await self.answer(recorded, stream=body.get("stream", True) is not False)

    async def _tags(self, request: Request) -> Response:
        await self.record(request)
        return JSONResponse({"models": [_tag(name) for name in self.models]})

    # --- wire format ----------------------------------------------------------------------------------------

    def completion(self, request: RecordedRequest, answer: Answer) -> dict[str, Any]:
        return {**self._message(request, _text(answer)), **_final(answer)}

    def stream_parts(self, request: RecordedRequest, answer: Answer) -> list[bytes]:
        lines = [{**self._message(request, piece), "done": False} for piece in pieces(_text(answer))]
        lines.append({**self._message(request, ""), **_final(answer)})
        return [self.frame(json.dumps(line)) for line in lines]

    def frame(self, raw: str) -> bytes:
        return f"{raw}\n".encode()

    def _message(self, request: RecordedRequest, content: str) -> dict[str, Any]:
        return {
            "model": request.model,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "message": {"role": "assistant", "content": content},
        }

    def error(
        self, status: int, message: str | None = None, *, type: str | None = None, code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        return JSONResponse({"error": message or f"error {status}"}, status_code=status, headers=headers)

    def rate_limited(self, behaviour: RateLimited) -> Response:
        message = behaviour.message or "too many requests, please try again later"
        return self.error(429, message, headers={"retry-after": behaviour.retry_after_header})

    def overloaded(self, behaviour: Overloaded) -> Response:
        return self.error(503, behaviour.message or "server busy, please try again.  maximum pending requests exceeded")


def _text(answer: Answer) -> str:
    return answer.message if isinstance(answer, Refusal) else answer.text


def _final(answer: Answer) -> dict[str, Any]:
    """The closing fields Ollama adds to the last message of an answer."""
    return {
        "done": True,
        "done_reason": (answer.stop if isinstance(answer, Reply) else None) or "stop",
        "total_duration": 900 * _MS,
        "load_duration": 20 * _MS,
        "prompt_eval_count": answer.input_tokens,
        "prompt_eval_duration": 80 * _MS,
        "eval_count": answer.output_tokens,
        "eval_duration": 790 * _MS,
    }


def _full_name(model: str) -> str:
    return model if ":" in model else f"{model}:latest"


def _tag(name: str) -> dict[str, Any]:
    return {
        "name": _full_name(name),
        "model": _full_name(name),
        "modified_at": "2025-01-01T00:00:00Z",
        "size": 2_019_393_189,
        "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        "details": {"parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
                    "parameter_size": "3.2B", "quantization_level": "Q4_K_M"},
    }
