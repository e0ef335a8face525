"""Swagger UI and ReDoc from the gateway's own copy of their assets, so the documentation works where no CDN can be
reached (an air-gapped cluster)."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js and favicon.png, as fastapi-offline ships them.
ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs/assets"
PAGES = ("/docs", "/redoc")


def serve_docs(app: FastAPI, openapi_url: str, title: str) -> None:
    """`/docs` and `/redoc` pages whose every script, style and icon is under `ASSETS_URL`, in place of FastAPI's
    pages, which load them from CDNs (and ReDoc's fonts from Google)."""
    app.router.routes[:] = [route for route in app.router.routes if getattr(route, "path", None) not in PAGES]
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=openapi_url, title=title,
                                   swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
                                   oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=openapi_url, title=title,
                              redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False)
