"""The `anythingllm` backend's background step: upload and embed an indexed package, then announce it.

Uploading and embedding can take minutes and must not hold a transaction or the consumer, so the handler only
records a pending sync; a leased worker claims it, does the remote work with no transaction open, and ends it
with `DocumentsIndexed` or `IndexingFailed` in one transaction. Every remote step looks up what exists before it
creates anything, so a sync claimed again after a crash repeats nothing. While AnythingLLM cannot be reached the
sync is left to its lease and claimed again later, up to `TENDERFLOW_WORKSPACE_ANYTHINGLLM_ATTEMPTS` tries. A sync
whose job was purged while it ran ends by running the purge's removal again, since it may have uploaded after it.
"""

import functools
import json
import logging
from dataclasses import dataclass

from sqlalchemy import Row

from tenderflow_common.anythingllm import (
    AnythingLLMNotFound,
    AnythingLLMRejected,
    AnythingLLMUnauthorized,
    AnythingLLMUnavailable,
)
from tenderflow_common.contracts.ingest import IngestedDocument
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.contracts.workspace import AnythingLLMOverrides, DocumentsIndexed, IndexingFailed
from tenderflow_common.storage import ObjectStore
from tenderflow_common.unit_of_work import Transaction, UnitOfWork
from tenderflow_common.work import HEARTBEAT_SECONDS, Claim, Claimed, LeasedWorker, WorkQueue
from tenderflow_workspace import repository
from tenderflow_workspace.anythingllm import AnythingLLMBackend, DocumentText, NotEmbedded, UploadFailed
from tenderflow_workspace.handlers import configuration, with_workspace_defaults
from tenderflow_workspace.models import anythingllm_syncs

SOURCE = "tenderflow/workspace"
QUEUE = WorkQueue(anythingllm_syncs, active="syncing")
NOT_CONFIGURED = ("the workspace uses the anythingllm backend, but no AnythingLLM server is configured "
                  "(TENDERFLOW_ANYTHINGLLM_BASE_URL and TENDERFLOW_ANYTHINGLLM_API_KEY)")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncTask(Claimed):
    """A package to put into the workspace's AnythingLLM workspace, with what its events must carry."""

    workspace_id: str
    package_id: str
    request: JobRequest
    documents: list[IngestedDocument]


def task_from_row(row: Row) -> SyncTask:
    return SyncTask(id=row.id, job_id=row.job_id, tenant_id=row.tenant_id, correlation_id=row.correlation_id,
                    causation_id=row.cause_id, workspace_id=row.workspace_id, package_id=row.package_id,
                    request=JobRequest.model_validate(row.request),
                    documents=[IngestedDocument.model_validate(d) for d in row.documents])


@dataclass(frozen=True)
class Syncing:
    """What a sync needs, wired once at composition; `backend` is None when no AnythingLLM is configured."""

    transaction: Transaction
    store: ObjectStore
    backend: AnythingLLMBackend | None
    attempts: int


def sync_worker(syncing: Syncing, *, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> LeasedWorker[SyncTask]:
    """The background worker that claims pending syncs and runs them."""
    return LeasedWorker("anythingllm-sync", QUEUE, syncing.transaction, task_from_row,
                        functools.partial(sync_package, syncing=syncing), heartbeat_seconds=heartbeat_seconds)


async def sync_package(task: SyncTask, claim: Claim, *, syncing: Syncing) -> None:
    """Upload, embed and verify the package's documents; end the sync with its event."""
    async with syncing.transaction() as uow:
        attempt = await repository.count_attempt(uow.session, anythingllm_syncs, task.id)
    if syncing.backend is None:
        await _fail(task, NOT_CONFIGURED, syncing)
        return
    try:
        documents = [await _document_text(document, task, syncing.store) for document in task.documents]
        locations = await syncing.backend.index(task.workspace_id, documents, await _overrides(task, syncing))
    except (AnythingLLMUnavailable, AnythingLLMNotFound) as error:
        reason = _reason(error)
        if attempt >= syncing.attempts:
            await _fail(task, f"{reason} (after {attempt} attempts)", syncing)
            return
        async with syncing.transaction() as uow:
            await repository.note_error(uow.session, anythingllm_syncs, task.id, reason)
        raise  # the lease runs out and the sync is claimed again
    except (AnythingLLMUnauthorized, AnythingLLMRejected) as error:
        await _fail(task, _reason(error), syncing)
        return
    async with syncing.transaction() as uow:
        if await _purged(uow, task, locations):
            return
        await repository.record_remote_locations(uow.session, task.workspace_id, locations)
        workspace = await repository.workspace_by_id(uow.session, task.workspace_id)
        chunks = await repository.count_chunks(uow.session, task.workspace_id, task.package_id)
        await QUEUE.finish(uow.session, task.id, "indexed")
        await uow.emit(task.event(
            DocumentsIndexed(workspace_id=task.workspace_id, workspace=workspace["name"], package_id=task.package_id,
                             backend="anythingllm", documents=len(task.documents), chunks=chunks,
                             request=with_workspace_defaults(task.request, workspace)),
            source=SOURCE, fact="indexed"))


async def _overrides(task: SyncTask, syncing: Syncing) -> AnythingLLMOverrides:
    """The workspace's own AnythingLLM settings, read afresh so a change reaches the next sync."""
    async with syncing.transaction() as uow:
        workspace = await repository.workspace_by_id(uow.session, task.workspace_id)
    return configuration(workspace).anythingllm if workspace else AnythingLLMOverrides()


async def _document_text(document: IngestedDocument, task: SyncTask, store: ObjectStore) -> DocumentText:
    extracted = json.loads(await store.get_bytes(document.text_key))
    return DocumentText(document_id=document.document_id, package_id=task.package_id, file=document.file,
                        doc_type=document.doc_type, units=extracted["units"])


async def _fail(task: SyncTask, reason: str, syncing: Syncing) -> None:
    log.warning("AnythingLLM indexing of package %s failed: %s", task.package_id, reason)
    async with syncing.transaction() as uow:
        if await _purged(uow, task, {}):
            return
        await QUEUE.finish(uow.session, task.id, "failed")
        await uow.emit(task.event(
            IndexingFailed(workspace=task.request.workspace, package_id=task.package_id,
                           reason=f"The package could not be indexed: {reason}"),
            source=SOURCE, fact="indexing-failed"))


async def _purged(uow: UnitOfWork, task: SyncTask, locations: dict[str, str]) -> bool:
    """Whether the job was purged while this sync ran. Then the purge's removal runs again, now that this sync
    uploads nothing more, and the sync ends with nothing announced; both in the sync's last transaction (its
    row stays, ended, until the processed messages go, so the fencing check still finds it)."""
    if not await repository.sync_purged(uow.session, task.id):
        return False
    log.info("job %s was purged while its package was synced; its removal from AnythingLLM runs again", task.job_id)
    await repository.reopen_removal(
        uow.session, id=repository.removal_id(task.job_id, task.workspace_id), job_id=task.job_id,
        tenant_id=task.tenant_id, correlation_id=task.correlation_id, cause_id=task.causation_id,
        workspace_id=task.workspace_id, document_ids=sorted(d.document_id for d in task.documents),
        locations=sorted(locations.values()))
    await QUEUE.finish(uow.session, task.id, repository.PURGED)
    return True


def _reason(error: Exception) -> str:
    """Our own words for what went wrong; AnythingLLM's texts and exception details stay in the logs."""
    if isinstance(error, AnythingLLMUnauthorized):
        return "AnythingLLM refused the API key (TENDERFLOW_ANYTHINGLLM_API_KEY)"
    if isinstance(error, NotEmbedded):
        return str(error)
    if isinstance(error, UploadFailed):
        return f"AnythingLLM did not accept the upload of {error.file}"
    if isinstance(error, AnythingLLMNotFound):
        return "the AnythingLLM workspace disappeared while the package was being indexed"
    if isinstance(error, AnythingLLMRejected):
        return f"AnythingLLM refused a request (HTTP {error.status})"
    return "AnythingLLM could not be reached"
