"""A job cancelled before its package reaches ingest is never extracted."""

from sqlalchemy import select

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_ingest import repository
from tenderflow_ingest.models import packages
from tenderflow_ingest.repository import PackageTask


def task(job_id: str) -> PackageTask:
    return PackageTask(id=f"p-{job_id}", job_id=job_id, tenant_id="t", correlation_id="c", causation_id="m",
                       package_key="tenants/t/uploads/x.zip", filename="x.zip", request=JobRequest())


async def test_cancel_that_arrives_first_flags_the_package_when_it_comes(ingest_database):
    async with ingest_database.sessions() as session, session.begin():
        await repository.request_cancel(session, "early")
        await repository.request_cancel(session, "early")
        await repository.add_package(session, task("early"))
        await repository.add_package(session, task("normal"))
    async with ingest_database.sessions() as session:
        flags = dict((await session.execute(select(packages.c.job_id, packages.c.cancel_requested))).all())
        assert flags == {"early": True, "normal": False}
        assert await repository.cancel_requested(session, "p-early")
