"""Migrations are a deployment step of their own: two runs at once leave one schema at head, a production service
refuses a schema behind, and the services `make stack-up` starts hold no owner credentials."""

import asyncio
import os
import secrets
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.migrations import at_head
from tenderflow_common.service import SchemaNotAtHead
from tenderflow_common.settings import PlatformSettings
from tenderflow_common.testing.infra import read_env_file, repo_root
from tenderflow_jobs.main import MIGRATIONS, build_service
from tenderflow_jobs.settings import JobsSettings

pytestmark = pytest.mark.integration

SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")
RUN_DIR = repo_root() / ".run"


async def migrate_jobs(database_url: str) -> tuple[int, bytes]:
    """One `python -m tenderflow_jobs migrate` run as the owner of `database_url`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tenderflow_jobs", "migrate", stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "TENDERFLOW_JOBS_MIGRATION_DATABASE_URL": database_url})
    output, _ = await process.communicate()
    return process.returncode or 0, output


async def test_two_migrate_runs_at_once_leave_one_schema_at_head(fresh_database_url):
    results = await asyncio.gather(migrate_jobs(fresh_database_url), migrate_jobs(fresh_database_url))
    assert [code for code, _ in results] == [0, 0], [output.decode()[-2000:] for _, output in results]
    assert await at_head(MIGRATIONS, fresh_database_url)
    connection = await asyncpg.connect(fresh_database_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        assert await connection.fetchval("SELECT count(*) FROM alembic_version") == 1
    finally:
        await connection.close()


async def test_a_production_service_refuses_a_schema_behind_head(fresh_database_url):
    settings = JobsSettings(database_url=fresh_database_url,
                            platform=PlatformSettings(env="production", internal_signing_key=secrets.token_urlsafe(48)))
    service = build_service(settings, transport=InMemoryTransport())
    with pytest.raises(SchemaNotAtHead, match="tenderflow_jobs migrate"):
        await service.start()
    await service.runtime.engine.dispose()
    assert not await at_head(MIGRATIONS, fresh_database_url)


def _stack_pids() -> dict[str, Path]:
    return {service: RUN_DIR / "pids" / f"{service}.pid" for service in SERVICES}


def _running(pid_file: Path) -> bool:
    return pid_file.is_file() and Path(f"/proc/{pid_file.read_text().strip()}/environ").is_file()


@pytest.fixture(scope="module")
def local_stack():
    """The five services as `make stack-up` starts them; started here (and stopped after) when not running."""
    started = not all(_running(pid_file) for pid_file in _stack_pids().values())
    if started:
        subprocess.run([str(repo_root() / "scripts" / "stack" / "up.sh")], cwd=repo_root(), check=True,
                       timeout=600, stdout=subprocess.DEVNULL)
    yield
    if started:
        subprocess.run([str(repo_root() / "scripts" / "stack" / "down.sh")], cwd=repo_root(), check=False,
                       timeout=120, stdout=subprocess.DEVNULL)


def stack_environments() -> dict[str, dict[str, str]]:
    """Each running stack service's environment, read from /proc through the pid files `make stack-up` keeps."""
    environments = {}
    for service, pid_file in _stack_pids().items():
        assert _running(pid_file), f"{service} is not running after make stack-up"
        environ = Path(f"/proc/{pid_file.read_text().strip()}/environ")
        pairs = (item.split("=", 1) for item in environ.read_bytes().decode().split("\0") if "=" in item)
        environments[service] = dict(pairs)
    return environments


def test_stack_services_hold_no_owner_credentials_nor_their_peers_urls(local_stack):
    roles = RUN_DIR / "postgres-roles.env"
    if not roles.is_file():
        pytest.skip("infra-up created no service roles on this PostgreSQL")
    owner_urls = {value.rsplit("@", 1)[0] for key, value in read_env_file(roles).items()
                  if key.endswith("_MIGRATION_DATABASE_URL")}
    for service, environment in stack_environments().items():
        assert environment[f"TENDERFLOW_{service.upper()}_DATABASE_URL"]
        leaked = [key for key, value in environment.items() if any(owner in value for owner in owner_urls)]
        assert leaked == [], f"{service} holds the owner's credentials in {leaked}"
        peers = [key for key in environment if key.endswith("_DATABASE_URL") and not key.startswith(
            f"TENDERFLOW_{service.upper()}_")]
        assert peers == [], f"{service} holds other services' database URLs: {peers}"
