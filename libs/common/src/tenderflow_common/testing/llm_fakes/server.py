"""A scripted fake LLM API served over real HTTP on 127.0.0.1, from a background thread, by uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

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
    Script,
    Truncated,
)

Answer = Reply | Refusal


class WireResponse:
    """Sends a body in parts; may stall after some of them, and may drop the connection instead of finishing."""

    def __init__(
        self,
        parts: Sequence[bytes],
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        stall_after: int | None = None,
        stall: Callable[[], Any] | None = None,
        cut: bool = False,
    ) -> None:
        self.parts, self.status, self.headers = list(parts), status, headers or {}
        self.stall_after, self.stall, self.cut = stall_after, stall, cut

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [(name.lower().encode(), value.encode()) for name, value in self.headers.items()]
        await send({"type": "http.response.start", "status": self.status, "headers": raw})
        for index, part in enumerate(self.parts):
            if index == self.stall_after and self.stall is not None:
                await self.stall()
            await send({"type": "http.response.body", "body": part, "more_body": True})
        if self.cut:
            return  # uvicorn closes the connection when the application leaves a response unfinished
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class FakeLLMServer:
    """The shared half of every fake: server lifecycle, request recording, scripting and behaviour dispatch.

    A subclass supplies its routes, how it tells a streaming request, and its wire format: `completion` (a plain
    body), `stream_parts` (framed events), `frame` (one raw event), `error` and the rate-limit/overload answers.
    """

    base_path = ""
    default_models: tuple[str, ...] = ()
    stream_media_type = "text/event-stream; charset=utf-8"

    def __init__(self, *, api_key: str | None = None, models: Sequence[str] | None = None) -> None:
        self.api_key = api_key
        self.models = list(self.default_models if models is None else models)
        self.requests: list[RecordedRequest] = []
        self._script = Script()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self.port = 0

    # --- what tests use -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's root, http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What the official SDK takes as its base URL."""
        return self.url + self.base_path

    def enqueue(self, *behaviours: Behaviour) -> Self:
        """Answer the next chat requests with these behaviours, one each, in order."""
        self._script.enqueue(*behaviours)
        return self

    def script(
        self,
        behaviour: Behaviour,
        *,
        when: Callable[[RecordedRequest], bool] | None = None,
        model: str | None = None,
        times: int | None = None,
    ) -> Self:
        """Answer chat requests that match (`when`, `model`; all by default) with `behaviour`, `times` or forever."""
        predicate = when
        if model is not None:
            predicate = (lambda r: r.model == model and when(r)) if when else (lambda r: r.model == model)
        self._script.add_rule(behaviour, predicate, times)
        return self

    def reset(self) -> None:
        """Forget the script and the recorded requests."""
        self._script.clear()
        self.requests.clear()

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    # --- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(routes=[*self.routes(), Route("/{path:path}", self._unknown_route, methods=_ALL_METHODS)])
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", http="h11", ws="none",
            timeout_graceful_shutdown=2, timeout_keep_alive=5,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(sock),), daemon=True,
                                        name=f"{type(self).__name__}:{self.port}")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{type(self).__name__} did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop may already be closed
                self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _serve(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        assert self._server is not None
        await self._server.serve(sockets=[sock])

    async def pause(self, seconds: float) -> None:
        """Sleep in the server, cut short when the fake stops."""
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # --- request handling -----------------------------------------------------------------------------------

    async def record(self, request: Request) -> RecordedRequest:
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            headers={name.lower(): value for name, value in request.headers.items()},
            body=await request.body(),
        )
        self.requests.append(recorded)
        return recorded

    async def answer(self, request: RecordedRequest, *, stream: bool) -> Response | WireResponse:
        """Take the next scripted behaviour and answer the chat request with it, in this API's wire format."""
        behaviour = self._script.next_for(request)
        match behaviour:
            case Reply() | Refusal():
                return self._answer(request, behaviour, stream=stream)
            case RateLimited():
                return self.rate_limited(behaviour)
            case Overloaded():
                return self.overloaded(behaviour)
            case ErrorResponse(status=status, message=message, type=kind, code=code):
                return self.error(status, message, type=kind, code=code)
            case Hang(seconds=seconds, after_events=after) if stream and after > 0:
                return self._stream(request, Reply(), stall_after=after, stall=lambda: self.pause(seconds))
            case Hang(seconds=seconds):
                await self.pause(seconds)
                return self._answer(request, Reply(), stream=stream)
            case Malformed(body=body) if stream:
                return WireResponse([self.frame(body)], headers=self._headers(self.stream_media_type))
            case Malformed(body=body):
                return WireResponse([body.encode()], headers=self._headers("application/json", len(body.encode())))
            case Truncated(reply=reply, after_events=after) if stream:
                return self._stream(request, reply, cut_after=after)
            case Truncated(reply=reply, keep=keep):
                body = json.dumps(self.completion(request, reply)).encode()
                headers = self._headers("application/json", len(body))
                return WireResponse([body[: int(len(body) * keep)]], headers=headers, cut=True)
        raise TypeError(f"not a fake LLM behaviour: {behaviour!r}")

    def _answer(self, request: RecordedRequest, answer: Answer, *, stream: bool) -> Response | WireResponse:
        if stream:
            return self._stream(request, answer)
        return JSONResponse(self.completion(request, answer), headers=self.response_headers())

    def _stream(
        self,
        request: RecordedRequest,
        answer: Answer,
        *,
        cut_after: int | None = None,
        stall_after: int | None = None,
        stall: Callable[[], Any] | None = None,
    ) -> WireResponse:
        parts = self.stream_parts(request, answer)
        if cut_after is not None:
            parts = parts[:cut_after]
        return WireResponse(
            parts, headers=self._headers(self.stream_media_type), stall_after=stall_after, stall=stall,
            cut=cut_after is not None,
        )

    def _headers(self, media_type: str, length: int | None = None) -> dict[str, str]:
        headers = {"content-type": media_type, **self.response_headers()}
        if length is not None:
            headers["content-length"] = str(length)
        return headers

    async def _unknown_route(self, request: Request) -> Response:
        recorded = await self.record(request)
        return self.error(404, f"Invalid URL ({recorded.method} {recorded.path})")

    # --- what each API supplies -----------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def completion(self, request: RecordedRequest, answer: Answer) -> dict[str, Any]:
        raise NotImplementedError

    def stream_parts(self, request: RecordedRequest, answer: Answer) -> list[bytes]:
        raise NotImplementedError

    def frame(self, raw: str) -> bytes:
        raise NotImplementedError

    def error(
        self, status: int, message: str | None = None, *, type: str | None = None, code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        raise NotImplementedError

    def rate_limited(self, behaviour: RateLimited) -> Response:
        raise NotImplementedError

    def overloaded(self, behaviour: Overloaded) -> Response:
        raise NotImplementedError

    def response_headers(self) -> dict[str, str]:
        """Headers the real API puts on every answer (request ids and the like)."""
        return {}


_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def pieces(text: str, count: int = 4) -> list[str]:
    """Split text into up to `count` consecutive pieces, as a stream would deliver it."""
    if not text:
        return []
    size = max(1, -(-len(text) // count))
    return [text[i : i + size] for i in range(0, len(text), size)]
