"""A purged upload's indexed documents and chunks leave the workspace, with its mention as the last job; the
workspace's other packages and another tenant's stay, and a second delivery changes nothing."""

from sqlalchemy import insert, select, update

from tenderflow_common.contracts.ingest import package_id_of
from tenderflow_common.contracts.jobs import JobPurged
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.unit_of_work import transactions
from tenderflow_workspace import repository
from tenderflow_workspace.job_purge import job_purged
from tenderflow_workspace.main import MIGRATIONS
from tenderflow_workspace.models import chunks, documents, messaging, workspaces


async def indexed(session, workspace_id: str, job_id: str) -> None:
    """One document of the job's package with one chunk in the workspace."""
    package_id = package_id_of(job_id)
    await repository.add_document(session, id=f"d-{job_id}", workspace_id=workspace_id, package_id=package_id,
                                  file="a.pdf", doc_type="pdf", pages=1)
    await session.execute(insert(chunks).values(id=f"c-{job_id}", workspace_id=workspace_id, package_id=package_id,
                                                document_id=f"d-{job_id}", file="a.pdf", doc_type="pdf",
                                                text="Rohbau", ordinal=0))


async def test_the_jobs_documents_and_chunks_go_and_a_second_delivery_changes_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'workspace.db'}"
    await upgrade_to_head(MIGRATIONS, url)
    engine = create_engine(url)
    transaction = transactions(session_factory(engine), messaging)
    try:
        async with session_factory(engine)() as session, session.begin():
            ours = await repository.create_workspace(session, "acme", "harbour", "builtin", {})
            theirs = await repository.create_workspace(session, "globex", "harbour", "builtin", {})
            await indexed(session, ours["id"], "purged")
            await indexed(session, ours["id"], "kept")
            await indexed(session, theirs["id"], "theirs")
            await session.execute(update(workspaces).where(workspaces.c.id == ours["id"]).values(last_job_id="purged"))
        event = JobPurged(reason="expired")

        for _ in range(2):
            async with transaction() as uow:
                await job_purged(event, Envelope.wrap(event, source="test", tenant_id="acme", job_id="purged"), uow)
                # Another tenant naming the same job id finds nothing of acme's.
                await job_purged(event, Envelope.wrap(event, source="test", tenant_id="globex", job_id="kept"), uow)
            async with session_factory(engine)() as session:
                left = set((await session.execute(select(documents.c.id))).scalars())
                chunk_ids = set((await session.execute(select(chunks.c.id))).scalars())
                last_jobs = set((await session.execute(select(workspaces.c.last_job_id))).scalars())
            assert left == {"d-kept", "d-theirs"}
            assert chunk_ids == {"c-kept", "c-theirs"}
            assert last_jobs == {None}
    finally:
        await engine.dispose()
