"""Requests and responses of the fake AnythingLLM as its endpoints see them: Express-style bodies and all."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

STATUS_TEXT = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def status(code: int) -> Response:
    """Express `res.sendStatus(code)`: a plain-text body, not JSON."""
    return PlainTextResponse(STATUS_TEXT.get(code, str(code)), status_code=code)


def abort(error: str, code: int = 200) -> JSONResponse:
    return JSONResponse({"id": str(uuid.uuid4()), "type": "abort", "textResponse": None, "sources": [],
                         "close": True, "error": error}, status_code=code)


@dataclass
class Call:
    """One request as the endpoints see it."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        """`reqBody`: whatever the content type, the body is parsed as JSON; anything else is empty."""
        try:
            parsed = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}


def sse(frames: list[dict[str, Any]]) -> StreamingResponse:
    """Server-sent `data:` frames, with no `event:` lines and no end marker: the stream just ends."""

    async def body():
        for frame in frames:
            yield f"data: {json.dumps(frame)}\n\n".encode()

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "Connection": "keep-alive"})
