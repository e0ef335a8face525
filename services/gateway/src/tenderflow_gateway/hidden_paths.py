"""Paths switched off answer 404 as if they did not exist, whichever router would have served them."""

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from tenderflow_common.problems import PROBLEM_JSON


class HiddenPaths:
    """ASGI middleware answering 404 for `paths` before any routing, so no included router can bring them back."""

    def __init__(self, app: ASGIApp, paths: frozenset[str]) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") not in self.paths:
            await self.app(scope, receive, send)
            return
        body = json.dumps({"type": "about:blank", "title": "Not Found", "status": 404,
                           "instance": scope["path"]}).encode()
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
