"""Alembic environment of the ingest service."""

from tenderflow_common.migrations import run_env
from tenderflow_ingest.models import metadata

run_env(metadata)
