"""`tenderflow keys create` prints a working key as its last line, stored only as a hash."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from tenderflow_common.db import create_engine, session_factory
from tenderflow_gateway import repository
from tenderflow_gateway.domain import hash_api_key, looks_like_api_key
from tenderflow_gateway.models import api_keys

pytestmark = pytest.mark.integration


def tenderflow(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TENDERFLOW_GATEWAY_DATABASE_URL": database_url, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "tenderflow_cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


async def test_keys_create_list_revoke(fresh_database_url):
    created = tenderflow("keys", "create", "--tenant", "acme", database_url=fresh_database_url)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert looks_like_api_key(key)

    engine = create_engine(fresh_database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            stored = (await session.execute(select(api_keys))).all()
            assert [row.key_hash for row in stored] == [hash_api_key(key)]
            assert key not in str([tuple(row) for row in stored])
            assert await repository.tenant_for_key(session, key) is not None
        listed = tenderflow("keys", "list", database_url=fresh_database_url)
        assert listed.returncode == 0 and stored[0].id in listed.stdout and key not in listed.stdout
        revoked = tenderflow("keys", "revoke", stored[0].id, database_url=fresh_database_url)
        assert revoked.returncode == 0, revoked.stderr
        async with session_factory(engine)() as session:
            assert await repository.tenant_for_key(session, key) is None
        again = tenderflow("keys", "revoke", stored[0].id, database_url=fresh_database_url)
        assert again.returncode == 1
    finally:
        await engine.dispose()


def test_bad_tenant_names_are_refused(fresh_database_url):
    result = tenderflow("keys", "create", "--tenant", "../etc", database_url=fresh_database_url)
    assert result.returncode != 0
