"""Security headers are added to every response, HSTS only over TLS, and a header the response set is kept."""

import httpx
from starlette.responses import Response

from tenderflow_gateway.security_headers import SecurityHeaders


async def framed_page(scope, receive, send) -> None:
    await Response("page", headers={"X-Frame-Options": "SAMEORIGIN"})(scope, receive, send)


async def get(scheme: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=SecurityHeaders(framed_page))
    async with httpx.AsyncClient(transport=transport, base_url=f"{scheme}://gateway") as client:
        return await client.get("/")


async def test_the_headers_are_added_and_one_the_response_set_is_kept():
    response = await get("http")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers


async def test_hsts_is_sent_over_tls_only():
    response = await get("https")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
