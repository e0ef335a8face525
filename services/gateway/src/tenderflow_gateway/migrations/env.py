"""Alembic environment of the gateway service."""

from tenderflow_common.migrations import run_env
from tenderflow_gateway.models import metadata

run_env(metadata)
