"""`python -m tenderflow_gateway` serves the public API."""

from tenderflow_common.serve import serve
from tenderflow_gateway.main import build_service

if __name__ == "__main__":
    serve(build_service)
