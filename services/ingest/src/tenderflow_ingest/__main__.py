"""`python -m tenderflow_ingest` serves the ingest service; `... migrate` migrates its database first."""

from tenderflow_common.serve import main
from tenderflow_ingest.main import MIGRATIONS, build_service

if __name__ == "__main__":
    main("ingest", MIGRATIONS, build_service)
