"""A job cancelled before its package reaches ingest is never extracted."""

from sqlalchemy import select

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_ingest import repository
from tenderflow_ingest.main import MIGRATIONS
from tenderflow_ingest.models import packages
from tenderflow_ingest.repository import PackageTask


def task(job_id: str) -> PackageTask:
    return PackageTask(id=f"p-{job_id}", job_id=job_id, tenant_id="t", correlation_id="c", causation_id="m",
                       package_key="tenants/t/uploads/x.zip", filename="x.zip", request=JobRequest())


async def test_cancel_that_arrives_first_flags_the_package_when_it_comes(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            await repository.request_cancel(session, "early")
            await repository.request_cancel(session, "early")
            await repository.add_package(session, task("early"))
            await repository.add_package(session, task("normal"))
        async with session_factory(engine)() as session:
            flags = dict((await session.execute(select(packages.c.job_id, packages.c.cancel_requested))).all())
            assert flags == {"early": True, "normal": False}
            assert await repository.cancel_requested(session, "p-early")
    finally:
        await engine.dispose()
