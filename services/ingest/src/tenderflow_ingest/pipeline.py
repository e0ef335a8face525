"""Takes one claimed package apart: archive verdicts, per-document extraction, then the package event."""

import asyncio
import json
import logging
import shutil
import threading
from dataclasses import asdict
from pathlib import Path

from tenderflow_common.contracts import ingest as events
from tenderflow_common.contracts.shared import FileVerdict
from tenderflow_common.envelope import Envelope, stable_id
from tenderflow_common.messages import Message
from tenderflow_common.service import ServiceRuntime
from tenderflow_common.storage import ObjectStore, key_belongs_to, tenant_key
from tenderflow_ingest import repository
from tenderflow_ingest.archive import Cancelled, read_package
from tenderflow_ingest.extractors.base import ExtractionError
from tenderflow_ingest.limits import IngestLimits
from tenderflow_ingest.repository import PackageTask
from tenderflow_ingest.sandbox import extract_in_sandbox

SOURCE = "tenderflow/ingest"
CANCEL_POLL_SECONDS = 0.5
log = logging.getLogger(__name__)


class PackagePipeline:
    """Everything between a claimed package and its `PackageIngested` (or rejection) event."""

    def __init__(self, runtime: ServiceRuntime, store: ObjectStore, limits: IngestLimits, work_dir: Path) -> None:
        self._runtime = runtime
        self._store = store
        self._limits = limits
        self._work_dir = work_dir

    async def claim_next(self) -> PackageTask | None:
        async with self._runtime.unit_of_work() as uow:
            task = await repository.claim_next(uow.session)
            await uow.commit()
        return task

    async def process(self, task: PackageTask) -> None:
        """Run the package to an end state; a crash midway resumes with the same event ids."""
        cancelled = threading.Event()
        watcher = asyncio.create_task(self._watch_cancel(task, cancelled))
        workdir = self._work_dir / task.id
        try:
            await self._run(task, workdir, cancelled)
        except Cancelled:
            await self._end(task, "cancelled", events.PackageFailed(package_id=task.id, reason="cancelled",
                                                                     cancelled=True), "failed")
        except Exception as error:
            log.exception("package %s failed", task.id)
            await self._end(task, "failed", events.PackageFailed(package_id=task.id, reason=str(error)[:500]),
                            "failed")
        finally:
            watcher.cancel()
            shutil.rmtree(workdir, ignore_errors=True)

    async def _run(self, task: PackageTask, workdir: Path, cancelled: threading.Event) -> None:
        if not key_belongs_to(task.package_key, task.tenant_id):
            raise PermissionError("package key outside the tenant's storage")
        await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
        archive = await self._store.local_copy(task.package_key, directory=workdir)
        reading = await asyncio.to_thread(read_package, archive, workdir, self._limits, cancelled.is_set)
        if reading.rejected:
            await self._end(task, "rejected", events.PackageRejected(
                package_id=task.id, code=reading.rejected_code, reason=reading.rejected_reason), "rejected")
            return
        verdicts = [_contract_verdict(v) for v in reading.verdicts]
        await self._emit(task, events.PackageAccepted(package_id=task.id, files=verdicts), "accepted")
        async with self._runtime.sessions() as session:
            done = await repository.extracted_documents(session, task.id)
        ingested: list[events.IngestedDocument] = []
        for spooled in reading.files:
            if cancelled.is_set():
                raise Cancelled()
            document = done.get(spooled.name) or await self._extract(task, spooled, verdicts, cancelled)
            if document:
                ingested.append(events.IngestedDocument(document_id=document["id"], file=document["file"],
                                                        doc_type=document["doc_type"], pages=document["pages"],
                                                        text_key=document["text_key"]))
        files = verdicts
        if not ingested:
            await self._end(task, "rejected", events.PackageRejected(
                package_id=task.id, code="no_usable_documents", files=files,
                reason="No file in the package could be used; see the per-file verdicts."), "rejected")
            return
        await self._end(task, "ingested", events.PackageIngested(
            package_id=task.id, request=task.request, documents=ingested, files=files), "ingested",
            unless_cancelled=True)

    async def _extract(self, task: PackageTask, spooled, verdicts: list[FileVerdict],
                       cancelled: threading.Event) -> dict | None:
        try:
            extraction = await extract_in_sandbox(spooled.path, spooled.doc_type, self._limits, cancelled)
        except ExtractionError as error:
            position = next(i for i, v in enumerate(verdicts) if v.accepted and v.name == spooled.name)
            verdicts[position] = verdicts[position].model_copy(
                update={"accepted": False, "code": error.code, "reason": error.reason})
            return None
        document_id = stable_id(task.id, "document", spooled.name)
        text_key = tenant_key(task.tenant_id, "packages", task.id, "documents", f"{document_id}.json")
        units = [asdict(unit) for unit in extraction.units]
        await self._store.put_bytes(text_key, json.dumps({"file": spooled.name, "doc_type": extraction.doc_type,
                                                          "units": units}).encode())
        document = dict(id=document_id, package_id=task.id, file=spooled.name, doc_type=extraction.doc_type,
                        size=spooled.size, sha256=spooled.sha256, pages=extraction.pages, units=len(units),
                        text_key=text_key)
        async with self._runtime.unit_of_work() as uow:
            await repository.add_document(uow.session, **document)
            await uow.emit(self._envelope(task, events.DocumentExtracted(
                package_id=task.id, document_id=document_id, file=spooled.name, doc_type=extraction.doc_type,
                pages=extraction.pages, units=len(units), text_key=text_key), f"extracted:{spooled.name}"))
            await uow.commit()
        return document

    async def _emit(self, task: PackageTask, message: Message, fact: str) -> None:
        async with self._runtime.unit_of_work() as uow:
            await uow.emit(self._envelope(task, message, fact))
            await uow.commit()

    async def _end(self, task: PackageTask, status: str, message: Message, fact: str, *,
                   unless_cancelled: bool = False) -> None:
        """Record the end state and its event together; unless_cancelled re-checks the flag under a row lock,
        so a cancellation the watcher has not seen yet still stops the package from going downstream."""
        async with self._runtime.unit_of_work() as uow:
            if unless_cancelled and await repository.cancel_requested(uow.session, task.id, lock=True):
                raise Cancelled()
            await repository.finish(uow.session, task.id, status)
            await uow.emit(self._envelope(task, message, fact))
            await uow.commit()

    def _envelope(self, task: PackageTask, message: Message, fact: str) -> Envelope:
        return Envelope.wrap(message, source=SOURCE, tenant_id=task.tenant_id, job_id=task.job_id,
                             correlation_id=task.correlation_id, causation_id=task.command_id,
                             subject=task.filename, message_id=stable_id(task.id, fact))

    async def _watch_cancel(self, task: PackageTask, cancelled: threading.Event) -> None:
        """Turn the database flag into an event the extraction threads can see; look at once, then poll."""
        while True:
            async with self._runtime.sessions() as session:
                if await repository.cancel_requested(session, task.id):
                    cancelled.set()
                    return
            await asyncio.sleep(CANCEL_POLL_SECONDS)


def _contract_verdict(verdict) -> FileVerdict:
    return FileVerdict(name=verdict.name, accepted=verdict.accepted, code=verdict.code, reason=verdict.reason,
                       size=verdict.size, doc_type=verdict.doc_type)
