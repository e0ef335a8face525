"""`python -m tenderflow_jobs` serves the jobs service; `... migrate` migrates its database first."""

import sys
from pathlib import Path

from tenderflow_common.migrations import migrate_command

if __name__ == "__main__":
    if sys.argv[1:] == ["migrate"]:
        migrate_command("jobs", Path(__file__).parent / "migrations")
    else:
        # Imported only to serve: the migrate step starts in a third of the time without the whole service.
        from tenderflow_common.serve import serve
        from tenderflow_jobs.main import build_service

        serve(build_service)
