"""Run a service with uvicorn on the host and port its settings name, or its migrate step."""

import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn

from tenderflow_common.migrations import migrate_command
from tenderflow_common.service import Service


def serve(build_service: Callable[[], Service]) -> None:
    """Serve until SIGTERM or Ctrl-C; uvicorn's own access log is off (requests are traced instead)."""
    service = build_service()
    settings = service.runtime.settings
    uvicorn.run(service.app, host=settings.host, port=settings.port, log_config=None, access_log=False)


def main(name: str, migrations: Path, build_service: Callable[[], Service]) -> None:
    """`python -m tenderflow_<name>` serves; `... migrate` brings its database to head as the schema's owner."""
    if sys.argv[1:] == ["migrate"]:
        migrate_command(name, migrations)
    else:
        serve(build_service)
