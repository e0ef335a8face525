"""The fake AnythingLLM's thread and chat endpoints (see `anythingllm_fake_routes` for the rest)."""

import time
import uuid
from typing import Any

from starlette.responses import JSONResponse, Response

from tenderflow_common.testing.anythingllm_fake_http import Call, abort, now_iso, sse, status
from tenderflow_common.testing.anythingllm_fake_text import slugify

DEFAULT_REFUSAL = "There is no relevant information in this workspace to answer your query."


class ThreadAndChatEndpoints:
    """Threads (slugs unique across the server, `thread: null` for a taken one) and chats: sync and streamed,
    query refusals, aborts under 200, agent frames, reasoning blocks, and the frame layout of older versions.

    Mixed into `AnythingLLMState`, whose workspaces, search and knobs it uses."""

    # Endpoints: threads ------------------------------------------------------------------------------------------

    def new_thread(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        body = call.json()
        slug = slugify(str(body["slug"]), lower=False) if body.get("slug") else str(uuid.uuid4())
        if slug in self.threads:  # slugs are unique across all workspaces
            return JSONResponse({"thread": None, "message": "\nInvalid `prisma.workspace_threads.create()` "
                                                            "invocation:\n\nUnique constraint failed on the fields: "
                                                            "(`slug`)"})
        stamp = now_iso()
        thread = {"id": self.next_id("thread"), "name": str(body.get("name") or "Thread"), "slug": slug,
                  "workspace_id": workspace["id"], "user_id": body.get("userId") if self.multi_user else None,
                  "createdAt": stamp, "lastUpdatedAt": stamp}
        self.threads[slug] = thread
        return JSONResponse({"thread": thread, "message": None})

    def _lookup_thread(self, call: Call) -> tuple[dict[str, Any] | None, dict[str, Any] | None, Response | None]:
        """The workspace and thread of a thread route, or the response a missing one gets."""
        workspace = self.workspace_by_slug(call.params["slug"])
        thread = self.threads.get(call.params["thread"])
        if workspace is not None and thread is not None and thread["workspace_id"] == workspace["id"]:
            return workspace, thread, None
        if not self.at_least(1, 14, 1):
            return workspace, None, status(400)
        message = "Workspace not found" if workspace is None else "Thread not found"
        return workspace, None, JSONResponse({"message": message}, status_code=404)

    def update_thread(self, call: Call) -> Response:
        _, thread, missing = self._lookup_thread(call)
        if missing is not None:
            return missing
        thread["name"] = str(call.json().get("name") or thread["name"])
        return JSONResponse({"thread": thread, "message": None})

    def delete_thread(self, call: Call) -> Response:
        workspace = self.workspace_by_slug(call.params["slug"])
        if workspace is None:
            return status(400)
        thread = self.threads.get(call.params["thread"])
        if thread is not None and thread["workspace_id"] == workspace["id"]:
            del self.threads[thread["slug"]]
            self.chats = [c for c in self.chats if c["thread_id"] != thread["id"]]
        return status(200)  # an unknown thread is still 200

    def thread_chats(self, call: Call) -> Response:
        _, thread, missing = self._lookup_thread(call)
        if missing is not None:
            return missing
        return JSONResponse({"history": history([c for c in self.chats if c["thread_id"] == thread["id"]])})

    # Endpoints: chat ---------------------------------------------------------------------------------------------

    def workspace_chat(self, call: Call) -> Response:
        return self._chat(call, stream=False, thread_route=False)

    def workspace_stream_chat(self, call: Call) -> Response:
        return self._chat(call, stream=True, thread_route=False)

    def thread_chat(self, call: Call) -> Response:
        return self._chat(call, stream=False, thread_route=True)

    def thread_stream_chat(self, call: Call) -> Response:
        return self._chat(call, stream=True, thread_route=True)

    def _chat(self, call: Call, *, stream: bool, thread_route: bool) -> Response:
        body = call.json()
        workspace = self.workspace_by_slug(call.params["slug"])
        thread = None
        if thread_route:
            if workspace is None and stream:  # dereferences null, and the catch writes an SSE abort under 200
                return sse([{"id": str(uuid.uuid4()), "type": "abort", "textResponse": None, "sources": [],
                                 "close": True, "error": "Cannot read properties of null (reading 'id')"}])
            workspace, thread, missing = self._lookup_thread(call)
            if missing is not None:
                error = (f"Workspace {call.params['slug']} is not a valid workspace." if workspace is None
                         else f"Thread {call.params['thread']} is not a valid thread.")
                return abort(error, 400 if stream or not self.at_least(1, 14, 1) else 404)
        elif workspace is None:
            return abort(f"Workspace {call.params['slug']} is not a valid workspace.", 400)
        message = body.get("message")
        modes = ("chat", "query", "automatic") if self.at_least(1, 12, 0) else ("chat", "query")
        mode = body.get("mode") or (workspace["chatMode"] if self.at_least(1, 12, 0) else "query")
        if body.get("reset") and not message:
            return JSONResponse({"id": str(uuid.uuid4()), "type": "textResponse",
                                 "textResponse": "Chat history was reset!", "sources": [], "close": True,
                                 "error": None})
        if not isinstance(message, str) or not message.strip():
            return abort("Message is empty", 400)
        if mode not in modes:
            return abort(f"{mode} is not a valid mode.", 400)
        if (mode == "automatic" and self.agent_capable) or "@agent" in message:
            return self._agent(workspace, thread, message, stream)
        return self._answer(workspace, thread, body, message, mode, stream)

    def _answer(self, workspace: dict[str, Any], thread: dict[str, Any] | None, body: dict[str, Any], message: str,
                mode: str, stream: bool) -> Response:
        hits = self.search(workspace, message, workspace["topN"], workspace["similarityThreshold"])
        sources = [{key: hit[key] for key in ("id", "url", "title", "docAuthor", "description", "docSource",
                                              "chunkSource", "published", "wordCount", "token_count_estimate",
                                              "text", "score")} for hit in hits]
        if mode == "query" and not sources:  # refusal: ordinary text, empty sources, not saved to history
            refusal = workspace["queryRefusalResponse"] or DEFAULT_REFUSAL
            reply = {"id": str(uuid.uuid4()), "type": "textResponse", "textResponse": refusal, "sources": [],
                     "close": True, "error": None}
            return sse([{**reply, "metrics": {}}]) if stream else JSONResponse(reply)
        text = self.llm(message, sources)
        if self.reasoning:
            text = f"<think>The user wants {message[:40]}; the context says so.</think>{text}"
        metrics = {"prompt_tokens": len(message.split()) + sum(len(s["text"].split()) for s in sources),
                   "completion_tokens": len(text.split()), "total_tokens": 0, "outputTps": 42.0, "duration": 0.1}
        metrics["total_tokens"] = metrics["prompt_tokens"] + metrics["completion_tokens"]
        chat_id = self._save(workspace, thread, body.get("sessionId") if thread is None else None, message, text,
                             sources, metrics) if text else None
        if not stream:
            return JSONResponse({"id": str(uuid.uuid4()), "type": "textResponse", "textResponse": text,
                                 "sources": sources, "close": True, "error": None, "chatId": chat_id,
                                 "metrics": metrics})
        return sse(self._frames(text, sources, chat_id, metrics))

    def _frames(self, text: str, sources: list[dict[str, Any]], chat_id: int | None,
                metrics: dict[str, Any]) -> list[dict[str, Any]]:
        uid = str(uuid.uuid4())
        legacy = not self.at_least(1, 9, 0)  # before v1.9.0 every chunk repeated the sources
        chunk = {"uuid": uid, "type": "textResponseChunk", "close": False, "error": False}
        if not self.llm_streams:
            frames = [{**chunk, "textResponse": text, "sources": sources, "close": True, "metrics": metrics}]
        else:
            pieces = [text[i:i + 12] for i in range(0, len(text), 12)]
            frames = [{**chunk, "textResponse": piece, "sources": sources if legacy else []} for piece in pieces]
            frames.append({**chunk, "textResponse": "", "sources": sources if legacy else [], "close": True})
        final = {"uuid": uid, "type": "finalizeResponseStream", "close": True, "error": False}
        if text:
            final.update({"chatId": chat_id, "metrics": metrics, "sources": sources})
        return [*frames, final]

    def _agent(self, workspace: dict[str, Any], thread: dict[str, Any] | None, message: str,
               stream: bool) -> Response:
        sources = self.search(workspace, message, workspace["topN"], workspace["similarityThreshold"])
        text = self.llm(message, sources)
        uid = str(uuid.uuid4())
        metrics = {"prompt_tokens": 10, "completion_tokens": len(text.split())}
        if not stream:
            return JSONResponse({"id": uid, "type": "textResponse", "textResponse": text, "sources": [],
                                 "close": True, "error": None, "thoughts": ["Thinking about it."], "outputs": []})
        return sse([
            {"id": uid, "type": "agentThought", "thought": "Thinking about it.", "close": False},
            {"id": uid, "type": "textResponseChunk", "textResponse": text},
            {"id": uid, "type": "usageMetrics", "metrics": metrics},
            {"id": uid, "type": "textResponse", "textResponse": text, "close": True},
            {"uuid": uid, "type": "finalizeResponseStream", "textResponse": text, "thoughts": [], "outputs": [],
             "sources": [], "close": True, "error": False, "metrics": metrics},
        ])

    def _save(self, workspace: dict[str, Any], thread: dict[str, Any] | None, session_id: str | None, prompt: str,
              text: str, sources: list[dict[str, Any]], metrics: dict[str, Any]) -> int:
        chat_id = self.next_id("chat")
        self.chats.append({"id": chat_id, "workspaceId": workspace["id"], "prompt": prompt,
                           "response": {"text": text, "sources": sources, "type": "chat", "metrics": metrics},
                           "session_id": session_id, "thread_id": thread["id"] if thread else None,
                           "include": True, "sentAt": int(time.time())})
        return chat_id


def history(chats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each chat record as a user message and an assistant message."""
    history = []
    for chat in chats:
        history.append({"role": "user", "content": chat["prompt"], "sentAt": chat["sentAt"], "attachments": [],
                        "chatId": chat["id"]})
        history.append({"type": "chat", "role": "assistant", "content": chat["response"]["text"],
                        "sources": chat["response"]["sources"], "chatId": chat["id"], "sentAt": chat["sentAt"],
                        "feedbackScore": None, "metrics": chat["response"]["metrics"]})
    return history
