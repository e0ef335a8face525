"""`python -m tenderflow_jobs` serves the jobs service."""

from tenderflow_common.serve import serve
from tenderflow_jobs.main import build_service

if __name__ == "__main__":
    serve(build_service)
