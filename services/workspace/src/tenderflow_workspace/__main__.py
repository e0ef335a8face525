"""`python -m tenderflow_workspace` serves the workspace service; `... migrate` migrates its database first."""

from tenderflow_common.serve import main
from tenderflow_workspace.main import MIGRATIONS, build_service

if __name__ == "__main__":
    main("workspace", MIGRATIONS, build_service)
