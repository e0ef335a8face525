"""The workspace a run names, found through the jobs that indexed into it: every workspace so far was created by an
upload, so the jobs service knows each one's id and name."""

from dataclasses import dataclass

from tenderflow_common.contracts.jobs import JobPage
from tenderflow_common.internal_client import InternalClient

# Jobs looked at for the workspace's name: any one that reached indexing carries it.
JOBS_LOOKED_AT = 20


@dataclass(frozen=True)
class KnownWorkspace:
    id: str
    name: str


async def find_workspace(jobs: InternalClient, tenant_id: str, workspace_id: str) -> KnownWorkspace | None:
    """The tenant's workspace with this id, or None when none of its jobs indexed into one."""
    response = await jobs.get("/internal/jobs", tenant_id=tenant_id, workspace=workspace_id, limit=JOBS_LOOKED_AT)
    if response.status_code != 200:
        return None
    for job in JobPage.model_validate_json(response.content).jobs:
        if job.workspace_id == workspace_id and job.workspace:
            return KnownWorkspace(job.workspace_id, job.workspace)
    return None
