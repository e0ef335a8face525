"""jobs know their kind (upload or run) and their workspace's id, so history can be filtered by both

Revision ID: 4e7a2c9d1b85
Revises: 9130c6b432fd
Create Date: 2026-12-02 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tenderflow_common.envelope import stable_id

revision: str = '4e7a2c9d1b85'
down_revision: str | None = '9130c6b432fd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every job before this revision came from an upload.
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='upload', nullable=False))
        batch_op.add_column(sa.Column('workspace_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_workspace_id'), ['workspace_id'], unique=False)
    # Until now a workspace was only ever created by an upload naming it, with an id derived from tenant and name.
    jobs = sa.table('jobs', sa.column('tenant_id', sa.String), sa.column('workspace', sa.String),
                    sa.column('workspace_id', sa.String))
    connection = op.get_bind()
    named = connection.execute(sa.select(jobs.c.tenant_id, jobs.c.workspace).distinct()
                               .where(jobs.c.workspace.is_not(None))).all()
    for tenant_id, name in named:
        connection.execute(jobs.update().where(jobs.c.tenant_id == tenant_id, jobs.c.workspace == name)
                           .values(workspace_id=stable_id(tenant_id, "workspace", name)))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_workspace_id'))
        batch_op.drop_column('workspace_id')
        batch_op.drop_column('kind')
