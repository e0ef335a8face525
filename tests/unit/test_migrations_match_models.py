"""Each service's migrations build exactly the schema its models declare, so neither can drift from the other."""

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from tenderflow_common.migrations import alembic_config

SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_models(service: str, tmp_path: Path):
    from alembic import command

    models = importlib.import_module(f"tenderflow_{service}.models")
    main = importlib.import_module(f"tenderflow_{service}.main")
    database = tmp_path / f"{service}.db"
    command.upgrade(alembic_config(main.MIGRATIONS, f"sqlite+aiosqlite:///{database}"), "head")
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), models.metadata)
    engine.dispose()
    assert differences == []
