"""A fake of Anthropic's Messages API: `POST /v1/messages` (plain and SSE, text and tool_use) and `GET /v1/models`."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tenderflow_common.testing.llm_fakes.script import Overloaded, RateLimited, RecordedRequest, Refusal, Reply
from tenderflow_common.testing.llm_fakes.server import Answer, FakeLLMServer, WireResponse, pieces

_ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
    413: "request_too_large", 429: "rate_limit_error", 529: "overloaded_error",
}
_ERROR_MESSAGES = {500: "Internal server error", 529: "Overloaded"}


class FakeAnthropic(FakeLLMServer):
    """Anthropic's wire format: `anthropic-version` is required and the key (`x-api-key` or Bearer) is checked."""

    default_models = ("claude-sonnet-4-5", "claude-haiku-4-5")

    def __init__(self, *, api_key: str | None = None, models: list[str] | None = None) -> None:
        super().__init__(api_key=api_key or f"sk-ant-fake-{secrets.token_hex(16)}", models=models)

    def routes(self) -> list[Route]:
        return [
            Route("/v1/messages", self._messages, methods=["POST"]),
            Route("/v1/models", self._list_models, methods=["GET"]),
        ]

    async def _messages(self, request: Request) -> Response | WireResponse:
        recorded = await self.record(request)
        if (refused := self._check_headers(recorded)) is not None:
            return refused
        body = recorded.json
        if not isinstance(body, dict):
            return self.error(400, "There was an error parsing the body of your request.")
        for field in ("model", "messages", "max_tokens"):
            if field not in body:
                return self.error(400, f"{field}: Field required")
        return await self.answer(recorded, stream=body.get("stream") is True)

    async def _list_models(self, request: Request) -> Response:
        recorded = await self.record(request)
        if (refused := self._check_headers(recorded)) is not None:
            return refused
        data = [
            {"type": "model", "id": name, "display_name": name, "created_at": "2025-09-29T00:00:00Z"}
            for name in self.models
        ]
        page = {"data": data, "has_more": False, "first_id": self.models[0] if self.models else None,
                "last_id": self.models[-1] if self.models else None}
        return JSONResponse(page, headers=self.response_headers())

    def _check_headers(self, request: RecordedRequest) -> Response | None:
        if not request.headers.get("anthropic-version"):
            return self.error(400, "anthropic-version: header is required")
        bearer = request.headers.get("authorization", "")
        key = request.headers.get("x-api-key") or (bearer[7:].strip() if bearer.startswith("Bearer ") else "")
        if not key:
            return self.error(401, "x-api-key header is required")
        if key != self.api_key:
            return self.error(401, "invalid x-api-key")
        return None

    # --- wire format ----------------------------------------------------------------------------------------

    def completion(self, request: RecordedRequest, answer: Answer) -> dict[str, Any]:
        block, stop_reason = _content(request, answer)
        usage = _usage(answer.input_tokens, answer.output_tokens)
        return {**self._message(request), "content": [block], "stop_reason": stop_reason, "usage": usage}

    def stream_parts(self, request: RecordedRequest, answer: Answer) -> list[bytes]:
        block, stop_reason = _content(request, answer)
        start = {**self._message(request), "content": [], "stop_reason": None, "usage": _usage(answer.input_tokens, 1)}
        if block["type"] == "tool_use":
            opening = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces(json.dumps(block["input"]))]
        else:
            opening = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in pieces(block["text"])]
        events = [
            {"type": "message_start", "message": start},
            {"type": "content_block_start", "index": 0, "content_block": opening},
            {"type": "ping"},
            *({"type": "content_block_delta", "index": 0, "delta": delta} for delta in deltas),
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
             "usage": {"output_tokens": answer.output_tokens}},
            {"type": "message_stop"},
        ]
        return [_event(e["type"], json.dumps(e)) for e in events]

    def frame(self, raw: str) -> bytes:
        return _event("message_start", raw)

    def _message(self, request: RecordedRequest) -> dict[str, Any]:
        return {
            "id": f"msg_{secrets.token_urlsafe(18)}",
            "type": "message",
            "role": "assistant",
            "model": request.model or self.default_models[0],
            "stop_sequence": None,
        }

    def error(
        self, status: int, message: str | None = None, *, type: str | None = None, code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        request_id = f"req_{secrets.token_hex(12)}"
        error = {
            "type": type or _ERROR_TYPES.get(status, "api_error"),
            "message": message or _ERROR_MESSAGES.get(status, f"Error {status}"),
        }
        body = {"type": "error", "error": error, "request_id": request_id}
        return JSONResponse(body, status_code=status, headers={"request-id": request_id, **(headers or {})})

    def rate_limited(self, behaviour: RateLimited) -> Response:
        reset = (datetime.now(UTC) + timedelta(seconds=behaviour.retry_after)).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = {
            "retry-after": behaviour.retry_after_header,
            "anthropic-ratelimit-requests-limit": "50",
            "anthropic-ratelimit-requests-remaining": "0",
            "anthropic-ratelimit-requests-reset": reset,
        }
        message = behaviour.message or (
            "This request would exceed the rate limit for your organization of 50 requests per minute. "
            "Please try again later."
        )
        return self.error(429, message, headers=headers)

    def overloaded(self, behaviour: Overloaded) -> Response:
        return self.error(529, behaviour.message or "Overloaded")

    def response_headers(self) -> dict[str, str]:
        return {"request-id": f"req_{secrets.token_hex(12)}", "anthropic-organization-id": "org-fake"}


def _content(request: RecordedRequest, answer: Answer) -> tuple[dict[str, Any], str]:
    """The one content block of the answer and its stop reason."""
    if isinstance(answer, Refusal):
        return {"type": "text", "text": answer.message}, "refusal"
    tool = _tool_name(request, answer)
    if tool is not None and isinstance(answer.content, Mapping):
        block = {"type": "tool_use", "id": f"toolu_{secrets.token_urlsafe(18)}", "name": tool,
                 "input": dict(answer.content)}
        return block, answer.stop or "tool_use"
    return {"type": "text", "text": answer.text}, answer.stop or "end_turn"


def _tool_name(request: RecordedRequest, answer: Reply) -> str | None:
    if answer.tool is not None:
        return answer.tool
    body = request.json or {}
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool":
        return choice.get("name")
    tools = body.get("tools") or []
    return tools[0].get("name") if tools and choice.get("type") != "none" else None


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "service_tier": "standard",
    }


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()
