"""Takes one claimed package apart: archive verdicts, per-document extraction, then the package event."""

import asyncio
import functools
import json
import logging
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tenderflow_common import failures
from tenderflow_common.contracts import ingest as events
from tenderflow_common.contracts.shared import FileVerdict
from tenderflow_common.envelope import stable_id
from tenderflow_common.messages import Message
from tenderflow_common.storage import ObjectStore, key_belongs_to, tenant_key
from tenderflow_common.sweeps import periodic_sweep
from tenderflow_common.unit_of_work import Transaction
from tenderflow_common.work import Claim, LeasedWorker, LeaseLost, TimeSlice, WakeablePoll, WorkQueue, interrupted
from tenderflow_ingest import extraction_metrics, repository
from tenderflow_ingest.archive import Cancelled, read_package
from tenderflow_ingest.extractors.base import ExtractionError
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.models import packages
from tenderflow_ingest.repository import PackageTask, Progress
from tenderflow_ingest.sandbox import extract_in_sandbox
from tenderflow_ingest.spool import claim_folder, clear_abandoned

SOURCE = "tenderflow/ingest"
# Cancellation reaches extraction at the next heartbeat, so beat often: a cancelled package stops within this.
HEARTBEAT_SECONDS = 0.5
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turns:
    """How packages of different tenants share the workers: a tenant's packages in work at once, how long one
    package works before it lets another tenant's waiting package go first, and its extraction time in all."""

    tenant_max_running: int = 4
    slice_seconds: float = 30.0
    budget_seconds: float = 3600.0


@dataclass(frozen=True)
class Pipeline:
    """What taking a package apart needs, wired once at composition."""

    transaction: Transaction
    sessions: async_sessionmaker[AsyncSession]
    store: ObjectStore
    limits: IngestLimits
    work_dir: Path
    turns: Turns = field(default_factory=Turns)


QUEUE = WorkQueue(packages, active="processing", by_tenant=True)


def package_worker(pipeline: Pipeline) -> LeasedWorker[PackageTask]:
    """The background worker that claims pending packages, tenants in turn, and takes them apart."""
    return LeasedWorker("ingest-pipeline", _queue(pipeline), pipeline.transaction, repository.task_from_row,
                        functools.partial(process_package, pipeline=pipeline), heartbeat_seconds=HEARTBEAT_SECONDS)


def spool_sweep(pipeline: Pipeline, every_seconds: float) -> WakeablePoll:
    """The background sweep that clears spool folders no claim in work owns, first at start-up."""
    return periodic_sweep("spool sweep", functools.partial(clear_abandoned, pipeline.work_dir, pipeline.sessions,
                                                           QUEUE), every_seconds)


def _queue(pipeline: Pipeline) -> WorkQueue:
    """The packages' queue with this replica's cap on one tenant's packages in work."""
    return replace(QUEUE, tenant_cap=pipeline.turns.tenant_max_running)


async def process_package(task: PackageTask, claim: Claim, *, pipeline: Pipeline) -> None:
    """Run the package to an end state; a crash midway resumes with the same event ids."""
    workdir = claim_folder(pipeline.work_dir, task.id, claim.token)
    try:
        await _run(task, workdir, claim.cancelled, pipeline)
    except Cancelled:
        await _end(task, "cancelled", events.PackageFailed(package_id=task.id, reason="cancelled", cancelled=True),
                   "failed", pipeline)
    except Exception as error:
        if interrupted(error):
            raise  # the lease runs out and the package resumes where it stopped, its events keeping their ids
        log.exception("package %s failed", task.id)  # the detail stays here, under the job's correlation id
        await _end(task, "failed", events.PackageFailed(
            package_id=task.id, code=failures.EXTRACTION_FAILED,
            reason=failures.MESSAGES[failures.EXTRACTION_FAILED]), "failed", pipeline)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def _run(task: PackageTask, workdir: Path, cancelled: threading.Event, pipeline: Pipeline) -> None:
    time_slice = TimeSlice(pipeline.turns.slice_seconds)
    if not key_belongs_to(task.package_key, task.tenant_id):
        raise PermissionError("package key outside the tenant's storage")
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    archive = await pipeline.store.local_copy(task.package_key, directory=workdir)
    reading = await asyncio.to_thread(read_package, archive, workdir, pipeline.limits, cancelled.is_set)
    if reading.rejected:
        await _end(task, "rejected", events.PackageRejected(
            package_id=task.id, code=reading.rejected_code, reason=reading.rejected_reason), "rejected", pipeline)
        return
    verdicts = [_contract_verdict(v) for v in reading.verdicts]
    async with pipeline.transaction() as uow:
        await uow.emit(task.event(events.PackageAccepted(package_id=task.id, files=verdicts), source=SOURCE,
                                  fact="accepted", subject=task.filename))
    async with pipeline.sessions() as session:
        progress = await repository.progress(session, task.id)
    ingested: list[events.IngestedDocument] = []
    worked = False  # every claim extracts a file before it may give its turn away, so packages cannot just swap
    for spooled in reading.files:
        if cancelled.is_set():
            raise Cancelled()
        document = progress.documents.get(spooled.name)
        if document is None and spooled.name not in progress.refusals:
            if progress.work_seconds >= pipeline.turns.budget_seconds:
                _refuse(verdicts, spooled.name, "time_budget_exceeded", f"the package's extraction time budget "
                        f"({pipeline.turns.budget_seconds:g} s) ran out before this file")
                continue
            if worked and time_slice.spent() and await _give_turn(task, pipeline):
                return  # another tenant's package goes first; this one resumes at its next claim
            document = await _extract(task, spooled, progress, cancelled, pipeline)
            worked = True
        if spooled.name in progress.refusals:
            _refuse(verdicts, spooled.name, **progress.refusals[spooled.name])
        if document:
            ingested.append(events.IngestedDocument(document_id=document["id"], file=document["file"],
                                                    doc_type=document["doc_type"], pages=document["pages"],
                                                    text_key=document["text_key"]))
    if not ingested:
        await _end(task, "rejected", events.PackageRejected(
            package_id=task.id, code="no_usable_documents", files=verdicts,
            reason="No file in the package could be used; see the per-file verdicts."), "rejected", pipeline)
        return
    await _end(task, "ingested", events.PackageIngested(
        package_id=task.id, request=task.request, documents=ingested, files=verdicts), "ingested", pipeline,
        unless_cancelled=True)


async def _extract(task: PackageTask, spooled, progress: Progress, cancelled: threading.Event,
                   pipeline: Pipeline) -> dict | None:
    """Extract one file, storing its text and document, or its refusal, with the seconds it took."""
    started = time.monotonic()
    try:
        extraction = await extract_in_sandbox(spooled.path, spooled.doc_type, pipeline.limits, cancelled)
    except ExtractionError as error:
        extraction_metrics.count_refused(spooled.doc_type, error.code)
        progress.refusals[spooled.name] = {"code": error.code, "reason": error.reason}
        async with pipeline.transaction() as uow:
            await repository.record_work(uow.session, task.id, progress, time.monotonic() - started)
        return None
    extraction_metrics.count_extracted(extraction)
    document_id = stable_id(task.id, "document", spooled.name)
    text_key = tenant_key(task.tenant_id, "packages", task.id, "documents", f"{document_id}.json")
    units = [asdict(unit) for unit in extraction.units]
    await pipeline.store.put_bytes(text_key, json.dumps({"file": spooled.name, "doc_type": extraction.doc_type,
                                                         "language": extraction.language, "units": units}).encode())
    document = dict(id=document_id, package_id=task.id, file=spooled.name, doc_type=extraction.doc_type,
                    size=spooled.size, sha256=spooled.sha256, pages=extraction.pages, units=len(units),
                    text_key=text_key)
    try:
        async with pipeline.transaction() as uow:
            await repository.add_document(uow.session, **document)
            await repository.record_work(uow.session, task.id, progress, time.monotonic() - started)
            await uow.emit(task.event(events.DocumentExtracted(
                package_id=task.id, document_id=document_id, file=spooled.name, doc_type=extraction.doc_type,
                pages=extraction.pages, units=len(units), text_key=text_key, language=extraction.language),
                source=SOURCE, fact=f"extracted:{spooled.name}", subject=task.filename))
    except (LeaseLost, IntegrityError):  # the fencing check, or the document's key to a package no longer there
        await _drop_if_package_deleted(task, text_key, pipeline)
        raise
    return document


async def _drop_if_package_deleted(task: PackageTask, text_key: str, pipeline: Pipeline) -> None:
    """The document's commit was voided. If its package was deleted meanwhile (its workspace or its job was), no
    row will ever name the text just stored, so it goes now; a package another replica holds keeps it, since that
    replica writes the same key."""
    async with pipeline.sessions() as session:
        if await session.scalar(select(packages.c.id).where(packages.c.id == task.id)) is not None:
            return
    await pipeline.store.delete(text_key)


def _refuse(verdicts: list[FileVerdict], name: str, code: str, reason: str) -> None:
    """The file's verdict becomes a refusal, with the stable code saying why."""
    position = next(i for i, v in enumerate(verdicts) if v.accepted and v.name == name)
    verdicts[position] = verdicts[position].model_copy(update={"accepted": False, "code": code, "reason": reason})


async def _give_turn(task: PackageTask, pipeline: Pipeline) -> bool:
    """After its slice, hand the package back if another tenant's package waits."""
    async with pipeline.transaction() as uow:
        return await _queue(pipeline).give_turn(uow.session, task)


async def _end(task: PackageTask, status: str, message: Message, fact: str, pipeline: Pipeline, *,
               unless_cancelled: bool = False) -> None:
    """Record the end state and its event together; unless_cancelled re-checks the flag under a row lock,
    so a cancellation the heartbeat has not seen yet still stops the package from going downstream."""
    async with pipeline.transaction() as uow:
        if unless_cancelled and await repository.cancel_requested(uow.session, task.id, lock=True):
            raise Cancelled()
        await QUEUE.finish(uow.session, task.id, status)
        await uow.emit(task.event(message, source=SOURCE, fact=fact, subject=task.filename))


def _contract_verdict(verdict) -> FileVerdict:
    return FileVerdict(name=verdict.name, accepted=verdict.accepted, code=verdict.code, reason=verdict.reason,
                       size=verdict.size, doc_type=verdict.doc_type)
