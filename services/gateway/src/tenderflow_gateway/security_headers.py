"""Response headers that keep browsers from sniffing, framing or leaking what the API returns."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
HSTS = "max-age=31536000; includeSubDomains"
# As ASGI sends them: lower-case names, bytes.
_PLAIN = tuple((name.lower().encode(), value.encode()) for name, value in ALWAYS.items())
_OVER_TLS = (*_PLAIN, (b"strict-transport-security", HSTS.encode()))


class SecurityHeaders:
    """ASGI middleware (so streamed uploads stay streamed) adding `ALWAYS`, and HSTS when the request came over
    TLS, as the scheme uvicorn reports it (from a trusted proxy's X-Forwarded-Proto behind a load balancer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = _OVER_TLS if scope.get("scheme") == "https" else _PLAIN

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A header the response set itself is kept.
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
