"""`python -m tenderflow_jobs` serves the jobs service; `... migrate` migrates its database first."""

from tenderflow_common.serve import main
from tenderflow_jobs.main import MIGRATIONS, build_service

if __name__ == "__main__":
    main("jobs", MIGRATIONS, build_service)
