"""Through the running stack: schemathesis drives every operation of the gateway's OpenAPI document as two tenants,
and one tenant's ids are not found by the other."""

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .support import tenant_with_key, tender_package, wait_for_end

pytestmark = pytest.mark.e2e

# Every check schemathesis has: no 5xx, only documented statuses, headers and content types, bodies that fit their
# schema, schema-valid requests accepted and invalid ones refused, 401 without credentials, 405 with a true `Allow`.
CONFIG = Path(__file__).with_name("schemathesis.toml")
# A fixed number of examples per operation keeps the run to a few minutes on two cores.
EXAMPLES_PER_OPERATION = 12
SEED = 20261202


@pytest.fixture
def stack_env() -> dict[str, str]:
    """Schemathesis sends requests without credentials on purpose; the failed-authentication limit has its own
    test and would otherwise answer them with 429."""
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(2 * 1024 * 1024),
            "TENDERFLOW_GATEWAY_AUTH_FAILURES_PER_MINUTE": "0"}


def schemathesis_run(gateway_url: str, key: str, work_dir: Path) -> subprocess.CompletedProcess:
    """One bounded, reproducible schemathesis run with a tenant's key; its crash cache stays in `work_dir`, so no
    earlier run's failures are replayed."""
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
               f"{gateway_url}/openapi.json", "--header", f"X-API-Key: {key}", "--checks", "all",
               "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", str(SEED), "--workers", "1",
               "--generation-database", "none", "--request-timeout", "30", "--no-color"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=work_dir)


async def test_schemathesis_as_two_tenants_finds_nothing(stack, tmp_path):
    database = stack.databases["gateway"]
    _, owner_key = await tenant_with_key(database, "owner")
    _, other_key = await tenant_with_key(database, "other")
    other = {"X-API-Key": other_key}
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": owner_key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as package:
            accepted = await client.post("/v1/documents",
                                         files={"file": ("veitshoechheim.zip", package, "application/zip")})
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["job_id"]
        await wait_for_end(client, f"/v1/jobs/{job_id}")
        created = await client.post("/v1/question-sets",
                                    json={"name": "owners-set", "questions": [{"id": "q", "text": "Who buys?"}]})
        assert created.status_code == 201, created.text

        for method, path in (("GET", f"/v1/jobs/{job_id}"), ("GET", f"/v1/jobs/{job_id}/results"),
                             ("POST", f"/v1/jobs/{job_id}/cancel"), ("GET", "/v1/question-sets/owners-set"),
                             ("DELETE", "/v1/question-sets/owners-set")):
            response = await client.request(method, path, headers=other)
            assert response.status_code == 404, f"{method} {path} as another tenant: {response.status_code}"
        assert job_id not in (await client.get("/v1/jobs", headers=other)).text
        assert "owners-set" not in (await client.get("/v1/question-sets", headers=other)).text
        # Names are per tenant: the other tenant's PUT makes a set of its own and leaves the owner's as it was.
        own = await client.put("/v1/question-sets/owners-set", headers=other,
                               json={"questions": [{"id": "q", "text": "Taken?"}]})
        assert own.status_code == 200, own.text
        still_there = await client.get("/v1/question-sets/owners-set")
        assert still_there.status_code == 200 and still_there.json()["questions"][0]["text"] == "Who buys?"
        assert (await client.get(f"/v1/jobs/{job_id}")).json()["job_id"] == job_id

    # The other tenant's run meets a database holding the owner's job and set; the owner's run comes last because
    # it may change them.
    for tenant, key in (("other", other_key), ("owner", owner_key)):
        run = schemathesis_run(stack.gateway_url, key, tmp_path)
        assert run.returncode == 0, f"schemathesis as {tenant}:\n{run.stdout[-20000:]}\n{run.stderr[-2000:]}"
        assert "Tested: 26" in run.stdout, run.stdout[-3000:]
