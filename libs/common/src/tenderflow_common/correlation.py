"""Every HTTP request gets a correlation id: its log lines carry it, and so does any problem it answers with."""

import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tenderflow_common import context

HEADER = "X-Correlation-ID"
_NAME = HEADER.lower().encode()
# A caller's id is kept so one story spans services; anything else is replaced, since it ends up in logs.
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")


def request_correlation_id(scope: Scope) -> str | None:
    """The id the middleware gave this request (also readable where the context variable is already reset)."""
    return scope.get("state", {}).get("correlation_id")


class CorrelationMiddleware:
    """Takes the caller's `X-Correlation-ID` when it looks like one, else makes one; echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", ())).get(_NAME, b"").decode("latin-1")
        # 128 random bits in hex, as a UUID's hex would be, without building a UUID on every request.
        correlation = given if ACCEPTED.fullmatch(given) else secrets.token_hex(16)
        scope.setdefault("state", {})["correlation_id"] = correlation

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (_NAME, correlation.encode())]
            await send(message)

        with context.job_context(correlation, None, None):
            await self.app(scope, receive, send_with_id)
