"""The `anythingllm` backend's purge step: a purged package's documents leave the AnythingLLM server too.

The purge handler deletes our rows in the consumer's transaction and records a pending removal there; a leased
worker claims it and, with no transaction open, takes the documents out of the AnythingLLM workspace and its
storage (`AnythingLLMBackend.remove`, which asks only for what is still there). While AnythingLLM cannot be reached
or refuses the key the removal is left to its lease and claimed again later, for as long as that takes: nothing
waits for it, and giving up would leave a purged job's text on the server. Only a request AnythingLLM refuses
outright, or no server configured at all, ends it as failed, with the reason kept on its row.

A sync of the job that still holds its claim may still be uploading: the removal then waits for its own lease to
run out and is claimed again, until no such sync is left (a sync that ends after the purge runs the removal again).
"""

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row

from tenderflow_common.anythingllm import AnythingLLMRejected, AnythingLLMUnauthorized, AnythingLLMUnavailable
from tenderflow_common.unit_of_work import Transaction
from tenderflow_common.work import HEARTBEAT_SECONDS, Claim, Claimed, LeasedWorker, WorkQueue
from tenderflow_workspace import repository
from tenderflow_workspace.anythingllm import AnythingLLMBackend, StillThere
from tenderflow_workspace.models import anythingllm_removals
from tenderflow_workspace.syncing import QUEUE as SYNCS

QUEUE = WorkQueue(anythingllm_removals, active="removing")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RemovalTask(Claimed):
    """A purged package's documents in one workspace: their ids, and where AnythingLLM was known to keep them."""

    workspace_id: str
    document_ids: list[str]
    locations: list[str]


def task_from_row(row: Row) -> RemovalTask:
    return RemovalTask(id=row.id, job_id=row.job_id, tenant_id=row.tenant_id, correlation_id=row.correlation_id,
                       causation_id=row.cause_id, workspace_id=row.workspace_id, document_ids=list(row.document_ids),
                       locations=list(row.locations))


@dataclass(frozen=True)
class Removing:
    """What a removal needs, wired once at composition; `backend` is None when no AnythingLLM is configured."""

    transaction: Transaction
    backend: AnythingLLMBackend | None


def removal_worker(removing: Removing, *, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> LeasedWorker[RemovalTask]:
    """The background worker that claims pending removals and runs them."""
    return LeasedWorker("anythingllm-removal", QUEUE, removing.transaction, task_from_row,
                        functools.partial(remove_package, removing=removing), heartbeat_seconds=heartbeat_seconds)


async def remove_package(task: RemovalTask, claim: Claim, *, removing: Removing) -> None:
    """Remove the documents from AnythingLLM and end the removal; a failure to reach it is tried again later."""
    async with removing.transaction() as uow:
        attempt = await repository.count_attempt(uow.session, anythingllm_removals, task.id)
        uploading = await repository.sync_uploading(uow.session, task.job_id, task.tenant_id, task.workspace_id,
                                                    datetime.now(UTC) - SYNCS.lease)
    if uploading:
        log.info("purged documents of job %s wait for a sync of the job that still holds its claim", task.job_id)
        return  # claimed again once this claim's lease runs out
    if removing.backend is None:
        await _end(task, "failed", "no AnythingLLM server is configured, so nothing could be removed there", removing)
        return
    try:
        await removing.backend.remove(task.workspace_id, task.document_ids, task.locations)
    except (AnythingLLMUnavailable, AnythingLLMUnauthorized) as error:
        log.warning("removing purged documents from AnythingLLM (attempt %d) failed; will try again: %s", attempt,
                    error)
        async with removing.transaction() as uow:
            await repository.note_error(uow.session, anythingllm_removals, task.id, _reason(error))
        raise  # the lease runs out and the removal is claimed again
    except AnythingLLMRejected as error:
        await _end(task, "failed", _reason(error), removing)
        return
    await _end(task, "removed", None, removing)


async def _end(task: RemovalTask, status: str, reason: str | None, removing: Removing) -> None:
    if reason is not None:
        log.error("purged documents of job %s could not be removed from AnythingLLM: %s", task.job_id, reason)
    async with removing.transaction() as uow:
        if reason is not None:
            await repository.note_error(uow.session, anythingllm_removals, task.id, reason)
        await QUEUE.finish(uow.session, task.id, status)


def _reason(error: Exception) -> str:
    """Our own words for what went wrong; AnythingLLM's texts stay in the logs."""
    if isinstance(error, AnythingLLMUnauthorized):
        return "AnythingLLM refused the API key (TENDERFLOW_ANYTHINGLLM_API_KEY)"
    if isinstance(error, AnythingLLMRejected):
        return f"AnythingLLM refused a request (HTTP {error.status})"
    if isinstance(error, StillThere):
        return str(error)[:500]
    return "AnythingLLM could not be reached"
