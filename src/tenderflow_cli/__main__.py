"""`python -m tenderflow_cli` is the same as `tenderflow`."""

from tenderflow_cli.main import app

app()
