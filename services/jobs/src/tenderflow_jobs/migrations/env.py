"""Alembic environment of the jobs service."""

from tenderflow_common.migrations import run_env
from tenderflow_jobs.models import metadata

run_env(metadata)
