"""A fake AnythingLLM server for tests: real HTTP on 127.0.0.1, the developer API as the real server answers it.

It keeps workspaces, stored documents, embeddings, threads and chats in memory and reproduces the quirks listed
in ../shared/ANYTHINGLLM.md (see `anythingllm_fake_routes`). Tests script failures on top of that:

    fake.fail("POST", "/workspace/new", status=500)           # answered with an error, nothing happens
    fake.lose_response("POST", "/workspace/new")              # it happens, then the connection is cut
    fake.lose_response("POST", "/document/upload/*", hang=True)  # it happens, then no answer until the client quits
    fake.hang("GET", "/workspaces")                           # no answer at all until the client gives up
    fake.fail_embedding("report")                             # update-embeddings skips it and still says 200

and read what was asked of it from `fake.requests` (`fake.calls("POST", "/workspace/*/update-embeddings")`).
Paths are those after `/api/v1`, matched with shell-style wildcards. The server runs in a thread of its own, so
synchronous and asynchronous tests alike can use it; `fake.base_url` is what a client is configured with.
"""

import asyncio
import contextlib
import fnmatch
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import parse_qsl, unquote

import uvicorn
from starlette.responses import JSONResponse, PlainTextResponse, Response

from tenderflow_common.testing.anythingllm_fake_http import Call
from tenderflow_common.testing.anythingllm_fake_routes import AnythingLLMState
from tenderflow_common.testing.anythingllm_fake_text import parse_multipart

ROUTES = [
    ("GET", "/auth", "auth"),
    ("GET", "/system", "system"),
    ("GET", "/system/vector-count", "vector_count"),
    ("GET", "/admin/is-multi-user-mode", "is_multi_user"),
    ("DELETE", "/system/remove-documents", "remove_documents"),
    ("GET", "/workspaces", "list_workspaces"),
    ("POST", "/workspace/new", "new_workspace"),
    ("GET", "/workspace/{slug}", "get_workspace"),
    ("DELETE", "/workspace/{slug}", "delete_workspace"),
    ("POST", "/workspace/{slug}/update", "update_workspace"),
    ("GET", "/workspace/{slug}/chats", "workspace_chats"),
    ("POST", "/workspace/{slug}/vector-search", "vector_search"),
    ("POST", "/workspace/{slug}/update-pin", "update_pin"),
    ("POST", "/workspace/{slug}/update-embeddings", "update_embeddings"),
    ("POST", "/workspace/{slug}/chat", "workspace_chat"),
    ("POST", "/workspace/{slug}/stream-chat", "workspace_stream_chat"),
    ("POST", "/workspace/{slug}/thread/new", "new_thread"),
    ("POST", "/workspace/{slug}/thread/{thread}/update", "update_thread"),
    ("DELETE", "/workspace/{slug}/thread/{thread}", "delete_thread"),
    ("GET", "/workspace/{slug}/thread/{thread}/chats", "thread_chats"),
    ("POST", "/workspace/{slug}/thread/{thread}/chat", "thread_chat"),
    ("POST", "/workspace/{slug}/thread/{thread}/stream-chat", "thread_stream_chat"),
    ("POST", "/document/upload", "upload"),
    ("POST", "/document/upload/{folder}", "upload"),
    ("POST", "/document/raw-text", "raw_text"),
    ("POST", "/document/create-folder", "create_folder"),
    ("DELETE", "/document/remove-folder", "remove_folder"),
    ("GET", "/documents", "list_documents"),
    ("GET", "/documents/folder/{folder}", "folder_documents"),
    ("GET", "/document/{name}", "get_document"),  # last, as in the server, so it shadows nothing
]
COMPILED = [(method, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"), handler)
            for method, template, handler in ROUTES]
HANG_LIMIT_SECONDS = 30.0


class ResponseCut(ConnectionAbortedError):
    """Raised inside the app so that uvicorn drops the connection halfway through a response."""


class _QuietCuts(logging.Filter):
    """Cutting a response on purpose is not an error worth a traceback in the test output."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ResponseCut))


@dataclass
class Failure:
    """What the next matching request(s) get instead of, or after, the normal answer."""

    method: str
    path: str
    status: int | None = None
    body: Any = None
    hang: bool = False
    cut: bool = False
    apply: bool = False
    times: int | None = 1

    def matches(self, method: str, path: str) -> bool:
        return self.method == method and fnmatch.fnmatchcase(path, self.path)


@dataclass
class RecordedRequest:
    """One request the fake received; `path` is the part after `/api/v1`."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int | None = None

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, Any]:
        """Multipart fields by name: text, or (filename, bytes) for a file."""
        parts = parse_multipart(self.body, self.headers.get("content-type", ""))
        return {p.name: (p.filename, p.content) if p.filename is not None else p.content.decode() for p in parts}


@dataclass
class FakeAnythingLLM(AnythingLLMState):
    """The fake server; `start()` serves it on a free loopback port until `stop()`."""

    failures: list[Failure] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """The server's API root as a client is configured with it (`…/api`)."""
        return f"{self.url}/api"

    # Scripting -----------------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every workspace, document, chat, request and scripted failure, and restore the defaults."""
        keep = {"url", "_server", "_thread", "_lock"}
        fresh = FakeAnythingLLM()
        with self._lock:
            for item in fields(self):
                if item.name not in keep:
                    setattr(self, item.name, getattr(fresh, item.name))

    def fail(self, method: str, path: str, *, status: int = 500, body: Any = None, times: int | None = 1) -> None:
        """Answer with `status` (plain text unless `body` is given) without doing anything."""
        self._script(Failure(method, path, status=status, body=body, times=times))

    def hang(self, method: str, path: str, *, times: int | None = 1) -> None:
        """Never answer (until the client disconnects), without doing anything."""
        self._script(Failure(method, path, hang=True, times=times))

    def lose_response(self, method: str, path: str, *, hang: bool = False, status: int | None = None,
                      times: int | None = 1) -> None:
        """Do what was asked, then lose the answer: cut the connection, hang, or answer `status` (a proxy's 502)."""
        self._script(Failure(method, path, cut=not hang and status is None, hang=hang, status=status, apply=True,
                             times=times))

    def fail_embedding(self, location_part: str) -> None:
        """Embedding skips documents whose location contains this, and still answers 200."""
        self.failing_embeddings.add(location_part)

    def calls(self, method: str, path: str = "*") -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and fnmatch.fnmatchcase(r.path, path)]

    def _script(self, failure: Failure) -> None:
        with self._lock:
            self.failures.append(failure)

    def _take(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for failure in self.failures:
                if failure.matches(method, path):
                    if failure.times is not None:
                        failure.times -= 1
                        if failure.times <= 0:
                            self.failures.remove(failure)
                    return failure
        return None

    # Serving -----------------------------------------------------------------------------------------------------

    def start(self) -> "FakeAnythingLLM":
        logging.getLogger("uvicorn.error").addFilter(_QuietCuts())
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                interface="asgi3", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-anythingllm", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake AnythingLLM server did not start")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI application."""
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        record = RecordedRequest(scope["method"], path.removeprefix("/api/v1"),
                                 dict(parse_qsl(scope["query_string"].decode())), headers, body)
        self.requests.append(record)
        response, failure = self._dispatch(record, path)
        if failure is not None and failure.hang:
            await self._hang(receive)
            response = PlainTextResponse("Gateway Timeout", status_code=504)
        if failure is not None and failure.cut:
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
            raise ResponseCut("the fake AnythingLLM cut this response on purpose")
        if failure is not None and failure.status is not None:
            response = _failure_response(failure)
        record.status = response.status_code
        await response(scope, receive, send)

    def _dispatch(self, record: RecordedRequest, path: str) -> tuple[Response, Failure | None]:
        if not path.startswith("/api/v1/"):
            return PlainTextResponse("Not Found", status_code=404), None
        authorization = record.headers.get("authorization", "").split(" ")
        if len(authorization) < 2 or authorization[1] != self.api_key:  # the second token, whatever the scheme
            return JSONResponse({"error": "No valid api key found."}, status_code=403), None
        failure = self._take(record.method, record.path)
        if failure is not None and not failure.apply:
            return PlainTextResponse("Not Found", status_code=404), failure
        for method, pattern, handler in COMPILED:
            match = pattern.match(record.path)
            if method == record.method and match:
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                call = Call(record.method, record.path, params, record.query, record.headers, record.body)
                with self._lock:
                    return getattr(self, handler)(call), failure
        return PlainTextResponse("Not Found", status_code=404), failure

    async def _hang(self, receive: Any) -> None:
        deadline = time.monotonic() + HANG_LIMIT_SECONDS
        while time.monotonic() < deadline and self._server is not None and not self._server.should_exit:
            try:
                message = await asyncio.wait_for(receive(), 0.1)
            except TimeoutError:
                continue
            if message["type"] == "http.disconnect":
                return


def _failure_response(failure: Failure) -> Response:
    if failure.body is None:
        text = {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 504: "Gateway Timeout"}.get(failure.status or 500, "Error")
        return PlainTextResponse(text, status_code=failure.status or 500)
    if isinstance(failure.body, str):
        return PlainTextResponse(failure.body, status_code=failure.status or 500)
    return JSONResponse(failure.body, status_code=failure.status or 500)


@contextlib.contextmanager
def fake_anythingllm_server() -> Iterator[FakeAnythingLLM]:
    """Serve a fake AnythingLLM until the block ends."""
    fake = FakeAnythingLLM().start()
    try:
        yield fake
    finally:
        fake.stop()
