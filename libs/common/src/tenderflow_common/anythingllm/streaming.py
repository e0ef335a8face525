"""Reading AnythingLLM's chat replies, streamed or not, across the versions a client may meet.

A stream is `data: <json>` lines with no `event:` lines and no `[DONE]`: it ends when the server closes it. Text
arrives in `textResponseChunk` frames (keyed `uuid`, not `id`); a chunk with `close: true` is not the end, since
`finalizeResponseStream` follows with the sources, chat id and metrics (before v1.9.0 sources rode on every chunk
instead). A query-mode refusal is one `textResponse` frame and no finalize frame. `abort` frames, or any frame
with an error, end the chat as failed even under HTTP 200.
"""

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from tenderflow_common.anythingllm.errors import AnythingLLMChatAborted, AnythingLLMNotFound, AnythingLLMOutcomeUnknown
from tenderflow_common.anythingllm.models import ChatReply, sources_of

THINK = re.compile(r"<think>.*?(</think>|$)", re.S)
NULL_WORKSPACE = "Cannot read properties of null"


def without_thinking(text: str) -> str:
    """A reasoning model's `<think>…</think>` removed, even when the closing tag never came."""
    return THINK.sub("", text).strip()


def reply_from_json(body: dict[str, Any]) -> ChatReply:
    """A synchronous chat reply; `type: abort` or an error fails it whatever the status was."""
    _raise_if_aborted(body)
    return ChatReply(text=without_thinking(str(body.get("textResponse") or "")),
                     sources=sources_of(body.get("sources")), chat_id=body.get("chatId"),
                     metrics=body.get("metrics") or {})


async def reply_from_stream(lines: AsyncIterator[str]) -> ChatReply:
    """Collect a streamed reply to the end of the stream."""
    text: list[str] = []
    sources: list[Any] = []
    chat_id = None
    metrics: dict[str, Any] = {}
    closed = False
    async for line in lines:
        frame = _frame(line)
        if frame is None:
            continue
        _raise_if_aborted(frame)
        kind = frame.get("type")
        if kind == "textResponseChunk":
            text.append(str(frame.get("textResponse") or ""))
        elif kind == "textResponse":  # the whole text at once: a refusal, or the agent's final answer
            text = [str(frame.get("textResponse") or "")]
        elif kind == "finalizeResponseStream" and frame.get("textResponse") and not "".join(text):
            text = [str(frame["textResponse"])]
        if frame.get("sources"):
            sources = frame["sources"]
        if frame.get("chatId") is not None:
            chat_id = frame["chatId"]
        if frame.get("metrics"):
            metrics = frame["metrics"]
        closed = closed or bool(frame.get("close"))
    if not closed:
        raise AnythingLLMOutcomeUnknown("the chat stream ended before its last frame")
    return ChatReply(text=without_thinking("".join(text)), sources=sources_of(sources), chat_id=chat_id,
                     metrics=metrics)


def _frame(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("data:"):
        return None
    try:
        frame = json.loads(line[len("data:"):].strip())
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def _raise_if_aborted(frame: dict[str, Any]) -> None:
    error = frame.get("error")
    if frame.get("type") != "abort" and error in (None, False, ""):
        return
    message = str(error or "the chat was aborted")
    if NULL_WORKSPACE in message:  # thread stream-chat on an unknown workspace slug crashes into a 200 abort
        raise AnythingLLMNotFound("the workspace does not exist", status=200, detail=message)
    raise AnythingLLMChatAborted(f"AnythingLLM aborted the chat: {message}", detail=message)
