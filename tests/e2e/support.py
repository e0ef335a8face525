"""What the end-to-end tests share: real tender files, tenants with keys, uploading and waiting for a job to end,
and what the databases and the storage still hold of something deleted, until nothing."""

import asyncio
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import text

from tenderflow_common.db import create_engine, session_factory
from tenderflow_gateway import repository

TENDERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders"
TED_NOTICE = TENDERS / "ted" / "20-155018-001-EXP.xml"
TERMINAL = ("succeeded", "failed", "cancelled")


def tender_package(folder: Path) -> Path:
    """A package of a real TED notice and a price schedule in Windows-1252."""
    path = folder / "veitshoechheim.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(TED_NOTICE, "notice/20-155018-001-EXP.xml")
        archive.writestr("prices.csv", "Position;Beschreibung;Preis\n1;Rohbau Mensa;125000 €\n".encode("cp1252"))
    return path


async def tenant_with_key(database_url: str, tenant: str) -> tuple[str, str]:
    """Create (or find) a tenant in the gateway's database and give it a new key: (tenant id, key)."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            tenant_id = await repository.ensure_tenant(session, tenant)
            _, key = await repository.create_key(session, tenant_id)
        return tenant_id, key
    finally:
        await engine.dispose()


async def api_key_for(database_url: str, tenant: str) -> str:
    """A new key for the tenant."""
    return (await tenant_with_key(database_url, tenant))[1]


async def row_counts(databases: dict[str, str], queries: dict[str, list[str]], **params: str) -> dict[str, list[int]]:
    """The count each query gives, by service (each query a `SELECT count(*)` over that service's database)."""
    counts: dict[str, list[int]] = {}
    for service, service_queries in queries.items():
        engine = create_engine(databases[service], pool_size=1)
        try:
            async with session_factory(engine)() as session:
                counts[service] = [await session.scalar(text(query), params) for query in service_queries]
        finally:
            await engine.dispose()
    return counts


def stored_files(storage: Path, tenant_id: str) -> list[str]:
    """Every object stored under the tenant's prefix, relative to the storage root."""
    folder = storage / "tenants" / tenant_id
    return sorted(str(path.relative_to(storage)) for path in folder.rglob("*") if path.is_file())


async def wait_until_gone(databases: dict[str, str], queries: dict[str, list[str]], files: Callable[[], list[str]],
                          timeout_seconds: float = 60, **params: str) -> None:
    """Poll until every query counts 0 and `files` lists none; fails saying what is left."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        counts, left = await row_counts(databases, queries, **params), files()
        if not left and all(count == 0 for service in counts.values() for count in service):
            return
        assert time.monotonic() < deadline, f"left over: {counts}, files: {left}"
        await asyncio.sleep(0.5)


async def wait_for_end(client: httpx.AsyncClient, job_url: str, timeout_seconds: float = 150,
                       statuses: tuple[str, ...] = TERMINAL) -> dict:
    """Poll a job until it reaches one of `statuses` (by default: succeeds, fails or is cancelled)."""
    deadline = time.monotonic() + timeout_seconds
    job: dict = {}
    while time.monotonic() < deadline:
        response = await client.get(job_url)
        assert response.status_code == 200, response.text
        job = response.json()
        if job["status"] in statuses:
            return job
        await asyncio.sleep(0.3)
    raise AssertionError(f"job did not reach {statuses}: {job}")


async def upload_into(client: httpx.AsyncClient, package: Path, workspace: str) -> dict:
    """Upload a package into a workspace (by id or name) and wait for its job to end."""
    with package.open("rb") as file:
        response = await client.post("/v1/documents", files={"file": (package.name, file, "application/zip")},
                                     data={"workspace": workspace})
    assert response.status_code == 202, response.text
    return await wait_for_end(client, response.headers["location"])
