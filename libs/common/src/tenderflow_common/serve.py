"""Run a service with uvicorn on the host and port its settings name."""

from collections.abc import Callable

import uvicorn

from tenderflow_common.service import Service


def serve(build_service: Callable[[], Service]) -> None:
    """Serve until SIGTERM or Ctrl-C; uvicorn's own access log is off (requests are traced instead)."""
    service = build_service()
    settings = service.runtime.settings
    uvicorn.run(service.app, host=settings.host, port=settings.port, log_config=None, access_log=False)
