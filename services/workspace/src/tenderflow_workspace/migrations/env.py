"""Alembic environment of the workspace service."""

from tenderflow_common.migrations import run_env
from tenderflow_workspace.models import metadata

run_env(metadata)
