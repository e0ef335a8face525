"""Against the PostgreSQL of `make infra-up`: each service's role reaches its own database only, reads and writes
rows there, including in tables a later migration creates, and cannot change the schema; the owner can."""

import uuid

import asyncpg
import pytest

from tenderflow_common.testing.infra import read_env_file, repo_root

pytestmark = pytest.mark.integration

SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")
ROLES_ENV = repo_root() / ".run" / "postgres-roles.env"


def plain(url: str) -> str:
    """asyncpg takes the URL without SQLAlchemy's driver suffix."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="module")
def roles() -> dict[str, tuple[str, str]]:
    """(service's own URL, migration URL) per service, as infra-up wrote them for `make stack-up`."""
    if not ROLES_ENV.is_file():
        pytest.fail(f"{ROLES_ENV} is missing: run `make infra-up` on a PostgreSQL it can administer")
    values = read_env_file(ROLES_ENV)
    return {service: (plain(values[f"TENDERFLOW_{service.upper()}_DATABASE_URL"]),
                      plain(values[f"TENDERFLOW_{service.upper()}_MIGRATION_DATABASE_URL"])) for service in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_role_cannot_reach_another_services_database(roles, service):
    own_url = roles[service][0]
    for other in SERVICES:
        if other == service:
            continue
        other_database = roles[other][0].rsplit("/", 1)[1]
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="CONNECT"):
            await asyncpg.connect(own_url.rsplit("/", 1)[0] + f"/{other_database}")


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_role_uses_rows_of_new_tables_but_cannot_change_the_schema(roles, service):
    own_url, migration_url = roles[service]
    table = f"role_check_{uuid.uuid4().hex[:12]}"
    owner = await asyncpg.connect(migration_url)
    try:
        await owner.execute(f"CREATE TABLE {table} (id serial PRIMARY KEY, note text)")
        connection = await asyncpg.connect(own_url)
        try:
            await connection.execute(f"INSERT INTO {table} (note) VALUES ('written by the service')")
            assert await connection.fetchval(f"SELECT note FROM {table}") == "written by the service"
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(f"CREATE TABLE {table}_more (id int)")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(f"ALTER TABLE {table} ADD COLUMN extra int")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute(f"DROP TABLE {table}")
        finally:
            await connection.close()
    finally:
        await owner.execute(f"DROP TABLE IF EXISTS {table}")
        await owner.close()
