"""A purged job's package leaves the ingest database and storage; the tenant's other packages and another
tenant's package of the same job id stay, and a second delivery changes nothing."""

from sqlalchemy import insert, select

from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.envelope import Envelope
from tenderflow_common.storage import tenant_key
from tenderflow_ingest.models import cancelled_jobs, documents, packages
from tenderflow_ingest.package_deletion import job_purged
from tenderflow_ingest.testing.stored_packages import stored_package


async def test_the_jobs_package_files_and_rows_go_and_a_second_delivery_changes_nothing(ingest_database):
    sessions, store = ingest_database.sessions, ingest_database.store
    async with sessions() as session, session.begin():
        await stored_package(session, store, "acme", "purged", job_id="job-1")
        await stored_package(session, store, "acme", "kept", job_id="job-2")
        await session.execute(insert(cancelled_jobs).values(job_id="job-1"))
    event = JobPurged(reason="deleted")
    envelope = Envelope.wrap(event, source="test", tenant_id="acme", job_id="job-1")
    foreign = Envelope.wrap(event, source="test", tenant_id="globex", job_id="job-2")

    for _ in range(2):
        async with ingest_database.transaction() as uow:
            await job_purged(event, envelope, uow, store=store)
            await job_purged(event, foreign, uow, store=store)  # another tenant cannot purge acme's job
        async with sessions() as session:
            left = set((await session.execute(select(packages.c.id))).scalars())
            texts = set((await session.execute(select(documents.c.package_id))).scalars())
            cancelled = list((await session.execute(select(cancelled_jobs.c.job_id))).scalars())
        assert left == texts == {"kept"}
        assert cancelled == []
        assert ingest_database.stored_files() == sorted([tenant_key("acme", "uploads", "kept.zip"),
                                                         tenant_key("acme", "packages", "kept", "documents", "d.json")])
