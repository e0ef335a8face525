"""`python -m tenderflow_gateway` serves the public API, and docs and metrics on an internal port if configured;
`... migrate` migrates its database first."""

import asyncio
import sys
from pathlib import Path

from tenderflow_common.migrations import migrate_command


def main() -> None:
    if sys.argv[1:] == ["migrate"]:
        migrate_command("gateway", Path(__file__).parent / "migrations")
        return
    # Imported only to serve: the migrate step starts in a third of the time without the whole service.
    from tenderflow_common.serve import serve
    from tenderflow_gateway.internal_port import serve_both
    from tenderflow_gateway.main import build_service

    service = build_service()
    internal_port = service.runtime.settings.internal_port
    if internal_port:
        asyncio.run(serve_both(service, internal_port))
    else:
        serve(lambda: service)


if __name__ == "__main__":
    main()
