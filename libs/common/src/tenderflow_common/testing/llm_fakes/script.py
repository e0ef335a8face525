"""What a fake LLM server answers, request by request, and the record of what it was sent."""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A normal answer: text, or JSON (a dict or list, for structured output), with its token counts.

    `stop` replaces the API's usual finish reason ("length", "max_tokens", ...). `tool` names the Anthropic
    tool_use block a JSON answer comes in; by default it is the tool the request forces or offers first.
    """

    content: str | Mapping[str, Any] | list[Any] = "OK"
    input_tokens: int = 12
    output_tokens: int = 7
    stop: str | None = None
    tool: str | None = None

    @property
    def text(self) -> str:
        return self.content if isinstance(self.content, str) else json.dumps(self.content)


@dataclass(frozen=True)
class Refusal:
    """The model declines: OpenAI's `message.refusal`, Anthropic's `stop_reason: "refusal"`, plain text for Ollama."""

    message: str = "I'm sorry, but I can't help with that request."
    input_tokens: int = 12
    output_tokens: int = 11


@dataclass(frozen=True)
class RateLimited:
    """429 with `Retry-After` (whole seconds, rounded up) and the API's own rate-limit headers."""

    retry_after: float = 1.0
    message: str | None = None

    @property
    def retry_after_header(self) -> str:
        return str(max(0, math.ceil(self.retry_after)))


@dataclass(frozen=True)
class Overloaded:
    """The API's "too busy" answer: Anthropic 529 overloaded_error, OpenAI 503, Ollama 503 "server busy"."""

    message: str | None = None


@dataclass(frozen=True)
class ErrorResponse:
    """Any error status (500, 502, 503, 400, ...) in the API's error shape; `type`/`code` override its defaults."""

    status: int = 500
    message: str | None = None
    type: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Hang:
    """No answer for `seconds` (longer than the client's timeout), then a normal one if anyone still listens.

    With `after_events`, a streaming request gets its headers and that many events first, then the stall.
    """

    seconds: float = 30.0
    after_events: int = 0


@dataclass(frozen=True)
class Malformed:
    """A 200 whose JSON does not parse (for a streaming request: one event or line that does not parse)."""

    body: str = '{"id": "broken", "choices": [{"index": 0, '


@dataclass(frozen=True)
class Truncated:
    """The connection drops mid-body: after `after_events` events of a stream, or `keep` of a plain body."""

    after_events: int = 2
    keep: float = 0.5
    reply: Reply = Reply("This answer is cut off before it ends.")


Behaviour = Reply | Refusal | RateLimited | Overloaded | ErrorResponse | Hang | Malformed | Truncated


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it; header names are lower-case."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def model(self) -> str | None:
        data = self.json
        return data.get("model") if isinstance(data, dict) else None


@dataclass
class _Rule:
    behaviour: Behaviour
    when: Callable[[RecordedRequest], bool] | None
    remaining: int | None


class Script:
    """Queued behaviours are used first, one per request; then the first matching rule; then a plain Reply()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Behaviour] = deque()
        self._rules: list[_Rule] = []

    def enqueue(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._queue.extend(behaviours)

    def add_rule(
        self, behaviour: Behaviour, when: Callable[[RecordedRequest], bool] | None, times: int | None
    ) -> None:
        with self._lock:
            self._rules.append(_Rule(behaviour, when, times))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._rules.clear()

    def next_for(self, request: RecordedRequest) -> Behaviour:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            for rule in self._rules:
                if rule.remaining == 0 or (rule.when is not None and not rule.when(request)):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule.behaviour
        return Reply()
