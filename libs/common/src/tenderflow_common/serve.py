"""Run a service's app with uvicorn on the host and port its settings name."""

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI


def serve(build_app: Callable[[], FastAPI]) -> None:
    """Serve until SIGTERM or Ctrl-C; uvicorn's own access log is off (requests are traced instead)."""
    app = build_app()
    settings = app.state.runtime.settings
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
