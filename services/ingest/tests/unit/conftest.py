"""What ingest's unit tests share: a migrated database of their own, with local storage beside it."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.storage import LocalObjectStore
from tenderflow_common.unit_of_work import Transaction, transactions
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import messaging


@dataclass(frozen=True)
class IngestDatabase:
    """Ingest's tables at the newest schema on SQLite, its object store, and transactions with its outbox."""

    sessions: async_sessionmaker[AsyncSession]
    store: LocalObjectStore
    transaction: Transaction

    def stored_files(self) -> list[str]:
        """The key of every stored object, sorted."""
        root = self.store.root
        return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.fixture
async def ingest_database(tmp_path: Path) -> AsyncIterator[IngestDatabase]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        yield IngestDatabase(sessions, LocalObjectStore(tmp_path / "storage"), transactions(sessions, messaging))
    finally:
        await engine.dispose()
