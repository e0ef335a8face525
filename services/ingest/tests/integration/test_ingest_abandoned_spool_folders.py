"""A replica killed midway leaves its claim's spool folder behind; the spool sweep removes every folder whose claim
is no longer the package's current one in work, and keeps the one a live claim spools to."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_ingest import repository
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import packages
from tenderflow_ingest.pipeline import QUEUE
from tenderflow_ingest.repository import PackageTask
from tenderflow_ingest.spool import clear_abandoned

pytestmark = pytest.mark.integration

# Each package's status and claims count in the database.
PACKAGES = {"held": ("processing", 2), "ended": ("ingested", 1), "given-back": ("pending", 1)}


async def test_the_sweep_keeps_only_folders_of_claims_in_work(fresh_database_url: str, tmp_path: Path) -> None:
    await upgrade_to_head(MIGRATIONS, fresh_database_url)
    engine = create_engine(fresh_database_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            for package_id, (status, claims) in PACKAGES.items():
                await repository.add_package(session, PackageTask(
                    id=package_id, job_id=f"job-{package_id}", tenant_id="acme", correlation_id="corr",
                    causation_id="cmd", package_key=f"tenants/acme/uploads/{package_id}.zip",
                    filename=f"{package_id}.zip", request=JobRequest()))
                await session.execute(update(packages).where(packages.c.id == package_id).values(
                    status=status, claims=claims, claimed_at=datetime.now(UTC)))
        work = tmp_path / "work"
        # The current claim of a package in work, an earlier claim of it, the last claims of packages that ended or
        # went back to the queue, and a package the database no longer has (purged).
        for name in ("held.2", "held.1", "ended.1", "given-back.1", "purged.3"):
            (work / name).mkdir(parents=True)
            (work / name / "annex.pdf").write_bytes(b"%PDF-1.7")

        assert await clear_abandoned(work, sessions, QUEUE) == 4
        assert [path.name for path in work.iterdir()] == ["held.2"]
        assert (work / "held.2" / "annex.pdf").read_bytes() == b"%PDF-1.7"
        assert await clear_abandoned(work, sessions, QUEUE) == 0
        assert await clear_abandoned(tmp_path / "never-made", sessions, QUEUE) == 0
    finally:
        await engine.dispose()
