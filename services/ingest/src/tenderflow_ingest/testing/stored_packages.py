"""Packages as ingest stores them, for tests of what deletes them: rows, an upload and extracted text."""

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.storage import ObjectStore, tenant_key
from tenderflow_ingest import repository
from tenderflow_ingest.models import documents
from tenderflow_ingest.repository import PackageTask


async def stored_package(session: AsyncSession, store: ObjectStore, tenant: str, package_id: str, *,
                         job_id: str | None = None, workspace: str | None = None) -> None:
    """A package of job `job_id` (`job-<package id>` unless given) with its upload and one extracted document."""
    upload = tenant_key(tenant, "uploads", f"{package_id}.zip")
    text = tenant_key(tenant, "packages", package_id, "documents", "d.json")
    await store.put_bytes(upload, b"PK")
    await store.put_bytes(text, b"{}")
    await repository.add_package(session, PackageTask(
        id=package_id, job_id=job_id or f"job-{package_id}", tenant_id=tenant, correlation_id="c", causation_id="m",
        package_key=upload, filename="p.zip",
        request=JobRequest(workspace=workspace) if workspace else JobRequest()))
    await session.execute(insert(documents).values(id=f"d-{package_id}", package_id=package_id, file="a.pdf",
                                                   doc_type="pdf", size=2, sha256="0" * 64, pages=1, units=1,
                                                   text_key=text))
