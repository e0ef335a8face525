"""`python -m tenderflow_workspace` serves the workspace service."""

from tenderflow_common.serve import serve
from tenderflow_workspace.main import build_service

if __name__ == "__main__":
    serve(build_service)
