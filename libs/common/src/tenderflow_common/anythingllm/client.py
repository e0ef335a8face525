"""An async client of AnythingLLM's developer API (`/api/v1`), written against the server's real behaviour.

Reads (GET), deletes and settings updates are safe to repeat, so they are retried on transport errors and 5xx.
Uploads, workspace and thread creation, embedding and chat are not: each is sent once, and when its answer is
lost the caller gets `AnythingLLMOutcomeUnknown` and must look the result up before sending it again (see
`operations`). A circuit breaker stops calls for a while after repeated failures.
"""

import functools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from pydantic import SecretStr
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tenderflow_common.anythingllm.errors import (
    AnythingLLMChatAborted,
    AnythingLLMNotFound,
    AnythingLLMOutcomeUnknown,
    AnythingLLMRejected,
    AnythingLLMUnauthorized,
    AnythingLLMUnavailable,
)
from tenderflow_common.anythingllm.models import ChatReply, StoredDocument, Thread, Workspace
from tenderflow_common.anythingllm.streaming import reply_from_json, reply_from_stream
from tenderflow_common.settings import AnythingLLMSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures that prove the request never reached the server, so even a POST may be sent again."""
LOST_BY_PROXY = {502, 504}
NO_VALID_FIELDS = "No valid fields to update!"
CHAT_MODES = ("chat", "query", "automatic")


def api_root(base_url: str) -> str:
    """`http://host:3001`, `…/api` or `…/api/v1` all mean the developer API at `…/api/v1`."""
    root = base_url.rstrip("/")
    if root.endswith("/api/v1"):
        return root
    if root.endswith("/api"):
        return root + "/v1"
    return root + "/api/v1"


def error_detail(response: httpx.Response) -> str:
    """What a failed response says: its JSON `error` or `message`, else its text (often plain `Bad Request`)."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:500]
    if isinstance(body, dict):
        for key in ("error", "message"):
            if body.get(key):
                return str(body[key])[:500]
    return response.text.strip()[:500]


def repeatable(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """For calls that are safe to repeat: tried again, with backoff, while the server is unavailable (a transport
    error, a 5xx, or a 200 whose body says the server failed)."""

    @functools.wraps(method)
    async def tried(self: "AnythingLLMClient", *args: Any, **kwargs: Any) -> T:
        async for attempt in AsyncRetrying(stop=stop_after_attempt(self._attempts),
                                           wait=wait_exponential(multiplier=self._retry_wait, max=5),
                                           retry=retry_if_exception_type(AnythingLLMUnavailable), reraise=True):
            with attempt:
                return await method(self, *args, **kwargs)
        raise AssertionError("unreachable")

    return tried


class AnythingLLMClient:
    """One AnythingLLM server. Timeouts differ per kind of call: uploads, embedding and chat can take minutes."""

    def __init__(self, base_url: str, api_key: str | SecretStr, *, connect_timeout: float = 10.0,
                 read_timeout: float = 30.0, embed_timeout: float = 900.0, chat_timeout: float = 300.0,
                 retry_attempts: int = 3, retry_wait_seconds: float = 0.5, breaker_threshold: int = 5,
                 breaker_ttl_seconds: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self.base_url = api_root(base_url)
        self._timeouts = {
            "read": httpx.Timeout(read_timeout, connect=connect_timeout),
            "embed": httpx.Timeout(embed_timeout, connect=connect_timeout),
            "chat": httpx.Timeout(chat_timeout, connect=connect_timeout),
        }
        self._attempts = retry_attempts
        self._retry_wait = retry_wait_seconds
        self._http = httpx.AsyncClient(base_url=self.base_url, transport=transport, timeout=self._timeouts["read"],
                                       headers={"Authorization": f"Bearer {key}"})
        self._breakers = AsyncCircuitBreakerFactory(default_threshold=breaker_threshold,
                                                    default_ttl=breaker_ttl_seconds)

    @classmethod
    def from_settings(cls, settings: AnythingLLMSettings, **overrides: Any) -> "AnythingLLMClient":
        if not settings.configured:
            raise ValueError("TENDERFLOW_ANYTHINGLLM_BASE_URL and TENDERFLOW_ANYTHINGLLM_API_KEY must be set")
        options: dict[str, Any] = {
            "connect_timeout": settings.connect_timeout_seconds, "read_timeout": settings.read_timeout_seconds,
            "embed_timeout": settings.embed_timeout_seconds, "chat_timeout": settings.chat_timeout_seconds,
            "retry_attempts": settings.retry_attempts, "breaker_threshold": settings.breaker_threshold,
            "breaker_ttl_seconds": settings.breaker_ttl_seconds,
        }
        return cls(str(settings.base_url), settings.api_key, **{**options, **overrides})  # type: ignore[arg-type]

    async def aclose(self) -> None:
        await self._http.aclose()

    # Probes ------------------------------------------------------------------------------------------------------

    @repeatable
    async def check_auth(self) -> None:
        """Raises `AnythingLLMUnauthorized` unless the server accepts the key."""
        await self._json("GET", "/auth")

    # Workspaces --------------------------------------------------------------------------------------------------

    @repeatable
    async def list_workspaces(self) -> list[Workspace]:
        body = await self._json("GET", "/workspaces")
        rows = body.get("workspaces")
        if rows is None:  # the server's own database failed
            raise AnythingLLMUnavailable("AnythingLLM could not list its workspaces")
        return [Workspace.from_row(row) for row in rows if isinstance(row, dict)]

    @repeatable
    async def get_workspace(self, slug: str) -> Workspace | None:
        """The workspace with its documents and thread slugs; None for an unknown slug (which answers 200 `[]`)."""
        body = await self._json("GET", f"/workspace/{slug}")
        found = body.get("workspace")
        if isinstance(found, list):
            found = found[0] if found else None
        return Workspace.from_row(found) if isinstance(found, dict) and found else None

    async def create_workspace(self, name: str, settings: dict[str, Any] | None = None) -> Workspace:
        """Create a workspace, once. Names are not unique: a second call makes a second workspace."""
        body = await self._json("POST", "/workspace/new", json={**(settings or {}), "name": name}, safe=False)
        if not isinstance(body.get("workspace"), dict):
            raise AnythingLLMRejected(f"AnythingLLM did not create workspace {name!r}: {body.get('message')}")
        return Workspace.from_row(body["workspace"])

    @repeatable
    async def update_workspace(self, slug: str, settings: dict[str, Any]) -> Workspace:
        """Set workspace settings; the same values again change nothing, so this is retried."""
        body = await self._json("POST", f"/workspace/{slug}/update", json=settings, safe=True,
                                not_found_on_400=True)
        if body.get("message") == NO_VALID_FIELDS:
            raise AnythingLLMRejected(f"AnythingLLM accepted none of the settings {sorted(settings)}")
        if not isinstance(body.get("workspace"), dict):  # before v1.16.0 a failed update still answered 200
            raise AnythingLLMUnavailable(f"AnythingLLM did not update workspace {slug}: {body.get('message')}")
        return Workspace.from_row(body["workspace"])

    @repeatable
    async def delete_workspace(self, slug: str) -> bool:
        """Delete a workspace with its chats and vectors; False when it did not exist."""
        try:
            await self._request("DELETE", f"/workspace/{slug}", not_found_on_400=True)
        except AnythingLLMNotFound:
            return False
        return True

    # Documents ---------------------------------------------------------------------------------------------------

    async def upload_document(self, filename: str, content: bytes, *, folder: str | None = None,
                              metadata: dict[str, Any] | None = None, mime: str = "text/plain",
                              add_to_workspaces: list[str] | None = None) -> StoredDocument:
        """Upload one file (into `folder` when given); its `location` is what `update_embeddings` takes."""
        if folder is not None and ("/" in folder or "\\" in folder or not folder):
            raise ValueError("an AnythingLLM folder name is one level deep")
        data = {"metadata": json.dumps(metadata or {})}
        if add_to_workspaces:
            data["addToWorkspaces"] = ",".join(add_to_workspaces)
        path = f"/document/upload/{folder}" if folder else "/document/upload"
        body = await self._json("POST", path, files={"file": (filename, content, mime)}, data=data, safe=False,
                                kind="embed")
        documents = body.get("documents") or []
        if not body.get("success") or not documents:
            raise AnythingLLMRejected(f"AnythingLLM did not convert {filename}: {body.get('error')}")
        first = documents[0]  # pageContent (the whole text) is echoed back; it is not kept
        return StoredDocument.from_item(folder or "custom-documents", first)

    @repeatable
    async def folder_documents(self, folder: str) -> list[StoredDocument]:
        """Documents stored in one folder; none when the folder does not exist."""
        try:
            body = await self._json("GET", f"/documents/folder/{folder}")
        except AnythingLLMNotFound:
            return []
        items = body.get("documents") or []
        return [StoredDocument.from_item(folder, item) for item in items if isinstance(item, dict)]

    @repeatable
    async def remove_documents(self, locations: list[str]) -> None:
        """Delete documents for good: files, vector caches and their rows in every workspace."""
        if locations:
            await self._json("DELETE", "/system/remove-documents", json={"names": locations})

    @repeatable
    async def remove_folder(self, folder: str) -> None:
        """Delete a folder with every document in it; a folder that is gone already is fine."""
        try:
            await self._request("DELETE", "/document/remove-folder", json={"name": folder}, not_found_on_400=True)
        except AnythingLLMNotFound:
            return

    async def update_embeddings(self, slug: str, adds: list[str] | None = None,
                                deletes: list[str] | None = None) -> Workspace:
        """Embed (and remove) documents by location. It answers 200 even when nothing was embedded, and adding a
        document twice embeds it twice: diff and verify against the workspace (`operations.embed`)."""
        body = await self._json("POST", f"/workspace/{slug}/update-embeddings",
                                json={"adds": adds or [], "deletes": deletes or []}, safe=False, kind="embed",
                                not_found_on_400=True)
        if not isinstance(body.get("workspace"), dict):
            raise AnythingLLMUnavailable(f"AnythingLLM did not answer with workspace {slug}")
        return Workspace.from_row(body["workspace"])

    # Threads and chat --------------------------------------------------------------------------------------------

    async def create_thread(self, slug: str, *, thread_slug: str, name: str) -> Thread | None:
        """Create a thread; None when its slug is taken (thread slugs are unique across all workspaces, and a
        duplicate answers 200 with `thread: null`)."""
        body = await self._json("POST", f"/workspace/{slug}/thread/new", json={"slug": thread_slug, "name": name},
                                safe=False, not_found_on_400=True)
        thread = body.get("thread")
        if not isinstance(thread, dict):
            return None
        return Thread(slug=str(thread.get("slug")), name=str(thread.get("name") or ""),
                      workspace_id=thread.get("workspace_id"))

    @repeatable
    async def thread_history(self, slug: str, thread_slug: str) -> list[dict[str, Any]]:
        body = await self._json("GET", f"/workspace/{slug}/thread/{thread_slug}/chats", not_found_on_400=True)
        return [message for message in body.get("history") or [] if isinstance(message, dict)]

    @repeatable
    async def delete_thread(self, slug: str, thread_slug: str) -> None:
        try:
            await self._request("DELETE", f"/workspace/{slug}/thread/{thread_slug}", not_found_on_400=True)
        except AnythingLLMNotFound:
            return

    async def chat(self, slug: str, message: str, *, mode: str = "query", thread: str | None = None,
                   session_id: str | None = None) -> ChatReply:
        """One synchronous chat. `mode` is always sent: its default changed in v1.12.0."""
        path, body = self._chat_request(slug, message, mode, thread, session_id)
        response = await self._request("POST", path, json=body, safe=False, kind="chat", not_found_on_400=True)
        try:
            payload = response.json()
        except ValueError as error:
            raise AnythingLLMOutcomeUnknown("AnythingLLM answered a chat with something that is not JSON") from error
        return reply_from_json(payload)

    async def stream_chat(self, slug: str, message: str, *, mode: str = "query", thread: str | None = None,
                          session_id: str | None = None) -> ChatReply:
        """One streamed chat, read to the end of the stream."""
        path, body = self._chat_request(slug, message, mode, thread, session_id)
        path = path.rsplit("/", 1)[0] + "/stream-chat"
        try:
            breaker = await self._breakers.get_breaker("anythingllm")
            async with breaker:
                try:
                    async with self._http.stream("POST", path, json=body, timeout=self._timeouts["chat"]) as response:
                        if response.status_code >= 500:
                            await response.aread()
                            cls = AnythingLLMOutcomeUnknown if response.status_code in LOST_BY_PROXY or \
                                not _reported(response) else AnythingLLMUnavailable
                            raise cls(f"AnythingLLM answered a chat with {response.status_code}",
                                      status=response.status_code, detail=error_detail(response))
                        if response.status_code >= 400:
                            await response.aread()
                            failure: Exception | None = self._client_error(response, not_found_on_400=True)
                        else:
                            failure = None
                            try:
                                reply = await reply_from_stream(_lines(response))
                            except (AnythingLLMNotFound, AnythingLLMChatAborted) as error:  # answered, not down
                                failure = error
                except NOT_SENT as error:
                    raise AnythingLLMUnavailable(f"AnythingLLM unreachable: {type(error).__name__}") from error
                except httpx.HTTPError as error:
                    raise AnythingLLMOutcomeUnknown(f"AnythingLLM chat lost: {type(error).__name__}") from error
        except OpenedState as error:
            raise AnythingLLMUnavailable("AnythingLLM circuit is open") from error
        if failure is not None:
            raise failure
        return reply

    @staticmethod
    def _chat_request(slug: str, message: str, mode: str, thread: str | None,
                      session_id: str | None) -> tuple[str, dict[str, Any]]:
        if mode not in CHAT_MODES:
            raise ValueError(f"chat mode must be one of {CHAT_MODES}")
        body: dict[str, Any] = {"message": message, "mode": mode}
        if thread:
            return f"/workspace/{slug}/thread/{thread}/chat", body
        if session_id:
            body["sessionId"] = session_id
        return f"/workspace/{slug}/chat", body

    # Transport ---------------------------------------------------------------------------------------------------

    async def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._request(method, path, **kwargs)
        try:
            body = response.json()
        except ValueError as error:
            raise AnythingLLMUnavailable(f"AnythingLLM answered {path} with something that is not JSON",
                                         status=response.status_code, detail=response.text[:200]) from error
        if not isinstance(body, dict):
            raise AnythingLLMUnavailable(f"AnythingLLM answered {path} with an unexpected shape")
        return body

    async def _request(self, method: str, path: str, *, safe: bool | None = None, kind: str = "read",
                       not_found_on_400: bool = False, **kwargs: Any) -> httpx.Response:
        """Send once; 4xx raise here. `safe` (GET and DELETE unless told) only says whether a lost answer leaves
        the outcome unknown: repeating is left to `repeatable` methods."""
        safe = method in {"GET", "DELETE"} if safe is None else safe
        response = await self._send(method, path, kind, safe=safe, **kwargs)
        if response.status_code >= 400:
            raise self._client_error(response, not_found_on_400=not_found_on_400)
        return response

    async def _send(self, method: str, path: str, kind: str, *, safe: bool, **kwargs: Any) -> httpx.Response:
        unknown = AnythingLLMUnavailable if safe else AnythingLLMOutcomeUnknown
        try:
            breaker = await self._breakers.get_breaker("anythingllm")
            async with breaker:
                try:
                    response = await self._http.request(method, path, timeout=self._timeouts[kind], **kwargs)
                except NOT_SENT as error:
                    raise AnythingLLMUnavailable(f"AnythingLLM unreachable: {type(error).__name__}") from error
                except httpx.HTTPError as error:
                    raise unknown(f"AnythingLLM did not answer {method} {path}: {type(error).__name__}") from error
                if response.status_code >= 500:
                    cls = unknown if response.status_code in LOST_BY_PROXY or not _reported(response) else \
                        AnythingLLMUnavailable
                    raise cls(f"AnythingLLM answered {method} {path} with {response.status_code}",
                              status=response.status_code, detail=error_detail(response))
                return response
        except OpenedState as error:
            raise AnythingLLMUnavailable("AnythingLLM circuit is open") from error

    @staticmethod
    def _client_error(response: httpx.Response, *, not_found_on_400: bool) -> Exception:
        status, detail = response.status_code, error_detail(response)
        if status == 401 or (status == 403 and "api key" in detail.lower()):
            return AnythingLLMUnauthorized("AnythingLLM refused the API key", status=status, detail=detail)
        if status == 404 or (status == 400 and not_found_on_400 and detail in ("Bad Request", "Not Found", "")):
            return AnythingLLMNotFound(f"AnythingLLM has no such resource ({status} {detail})", status=status,
                                       detail=detail)
        if status == 400 and ("not a valid" in detail or "not found" in detail.lower()):
            return AnythingLLMNotFound(f"AnythingLLM: {detail}", status=status, detail=detail)
        return AnythingLLMRejected(f"AnythingLLM refused the request ({status} {detail})", status=status,
                                   detail=detail)


def _reported(response: httpx.Response) -> bool:
    """A 5xx whose JSON body reports the failure (`success: false`, an abort object): the server handled the
    request and says it did not do it. A bare `Internal Server Error` means it threw halfway, so nobody knows."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("error") or body.get("message"))


async def _lines(response: httpx.Response) -> AsyncIterator[str]:
    async for line in response.aiter_lines():
        yield line
