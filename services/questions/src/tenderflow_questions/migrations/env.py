"""Alembic environment of the questions service."""

from tenderflow_common.migrations import run_env
from tenderflow_questions.models import metadata

run_env(metadata)
