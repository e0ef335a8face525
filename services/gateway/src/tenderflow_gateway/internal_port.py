"""A second listener for what only the operator's side should reach: API documentation and metrics."""

import asyncio

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from tenderflow_common import metrics
from tenderflow_common.service import Service
from tenderflow_gateway.docs_pages import serve_docs


def internal_app(public: FastAPI) -> FastAPI:
    """`/docs`, `/redoc`, `/openapi.json` (the public API's document) and `/metrics`, and nothing else."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(metrics.router)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(public.openapi())

    serve_docs(app, "/openapi.json", f"{public.title} API")
    return app


async def serve_both(service: Service, internal_port: int) -> None:
    """The public app (whose lifespan starts and stops the service) and the internal one, until shutdown."""
    settings = service.runtime.settings
    public = uvicorn.Server(uvicorn.Config(service.app, host=settings.host, port=settings.port, log_config=None,
                                           access_log=False))
    internal = uvicorn.Server(uvicorn.Config(internal_app(service.app), host=settings.host, port=internal_port,
                                             log_config=None, access_log=False, lifespan="off"))
    # Only one server may own the signal handlers; the public one's shutdown ends the internal one too.
    internal.install_signal_handlers = lambda: None
    internal_task = asyncio.create_task(internal.serve())
    try:
        await public.serve()
    finally:
        internal.should_exit = True
        await internal_task
