"""`python -m tenderflow_ingest` serves the ingest service."""

from tenderflow_common.serve import serve
from tenderflow_ingest.main import build_service

if __name__ == "__main__":
    serve(build_service)
