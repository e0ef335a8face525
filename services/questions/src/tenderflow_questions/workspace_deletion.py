"""A deleted workspace takes its runs and their answers with it."""

from sqlalchemy import delete, select

from tenderflow_common.contracts.workspace import WorkspaceDeleted
from tenderflow_common.envelope import Envelope
from tenderflow_common.unit_of_work import UnitOfWork
from tenderflow_questions.models import answers, runs


async def workspace_deleted(event: WorkspaceDeleted, envelope: Envelope, uow: UnitOfWork) -> None:
    """Delete the tenant's runs over the workspace and their answers; a repeat finds nothing left to delete.

    A run still answering finds its row gone and writes nothing more: its job was cancelled before the delete."""
    run_ids = list((await uow.session.execute(select(runs.c.id).where(
        runs.c.tenant_id == envelope.tenantid, runs.c.workspace_id == event.workspace_id))).scalars())
    if not run_ids:
        return
    await uow.session.execute(delete(answers).where(answers.c.run_id.in_(run_ids)))
    await uow.session.execute(delete(runs).where(runs.c.id.in_(run_ids)))
