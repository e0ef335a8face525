"""Autogenerate a migration for one service against a throwaway SQLite database at head."""

import sys
import tempfile
from pathlib import Path

from alembic import command

from tenderflow_common.migrations import alembic_config

ROOT = Path(__file__).resolve().parent.parent


def main(service: str, message: str) -> None:
    script_location = ROOT / "services" / service / "src" / f"tenderflow_{service}" / "migrations"
    with tempfile.TemporaryDirectory() as folder:
        config = alembic_config(script_location, f"sqlite+aiosqlite:///{folder}/head.db")
        command.upgrade(config, "head")
        command.revision(config, message=message, autogenerate=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "initial schema")
