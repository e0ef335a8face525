"""Swagger UI and ReDoc load every asset from the gateway itself, on the public port and on the internal one, so
the documentation works with no internet."""

import re

import httpx
import pytest

from tenderflow_gateway.internal_port import internal_app

# Every URL a page makes the browser fetch: src and href attributes and the URLs handed to the scripts.
FETCHED = re.compile(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", re.IGNORECASE)


async def assert_pages_load_only_local_assets(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        urls = FETCHED.findall(html)
        assert any(url.endswith(".js") for url in urls), (page, urls)
        assert "//" not in "".join(urls), (page, urls)
        for url in urls:
            response = await client.get(url)
            assert response.status_code == 200, (page, url)
            assert response.content, (page, url)


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"])
async def test_the_assets_are_the_real_bundles(make_gateway, asset):
    response = await (await make_gateway()).client.get(f"/docs/assets/{asset}")
    assert response.status_code == 200
    assert len(response.content) > 100_000


async def test_public_docs_pages_reference_only_the_gateways_own_assets(make_gateway):
    await assert_pages_load_only_local_assets((await make_gateway()).client)


async def test_internal_docs_pages_reference_only_their_own_assets(make_gateway):
    gateway = await make_gateway(internal_port=9100)
    assert (await gateway.client.get("/docs/assets/swagger-ui.css")).status_code == 404
    internal = internal_app(gateway.service.app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=internal), base_url="http://internal") as client:
        await assert_pages_load_only_local_assets(client)
