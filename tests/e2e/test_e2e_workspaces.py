"""A workspace through its whole life on the running stack: created, filled by uploads that name it by id and by
name, read, and deleted, after which no database and no stored file holds anything of it."""

import asyncio

import httpx
import pytest

from .support import row_counts, stored_files, tenant_with_key, tender_package, upload_into, wait_until_gone

pytestmark = pytest.mark.e2e

# What each service's database may still hold of the workspace (or of the tenant, whose only workspace it is).
LEFT_OVER = {
    "workspace": ["SELECT count(*) FROM workspaces WHERE id = :workspace",
                  "SELECT count(*) FROM documents WHERE workspace_id = :workspace",
                  "SELECT count(*) FROM chunks WHERE workspace_id = :workspace"],
    "ingest": ["SELECT count(*) FROM packages WHERE tenant_id = :tenant",
               "SELECT count(*) FROM documents WHERE package_id NOT IN (SELECT id FROM packages)"],
    "questions": ["SELECT count(*) FROM runs WHERE workspace_id = :workspace",
                  "SELECT count(*) FROM answers WHERE run_id NOT IN (SELECT id FROM runs)"],
}


async def test_a_deleted_workspace_leaves_nothing_in_any_database_or_in_storage(stack, tmp_path):
    tenant_id, key = await tenant_with_key(stack.databases["gateway"], "harbour-authority")
    _, other_key = await tenant_with_key(stack.databases["gateway"], "intruder")
    package = tender_package(tmp_path)
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        created = await client.post("/v1/workspaces", json={"name": "harbour", "settings": {"top_k": 10}})
        assert created.status_code == 201, created.text
        workspace_id = created.json()["id"]
        url = f"/v1/workspaces/{workspace_id}"

        by_id, by_name = await asyncio.gather(upload_into(client, package, workspace_id),
                                              upload_into(client, package, "harbour"))
        assert by_id["status"] == by_name["status"] == "succeeded", (by_id, by_name)
        assert [w["name"] for w in (await client.get("/v1/workspaces")).json()["workspaces"]] == ["harbour"]
        workspace = (await client.get(url)).json()
        assert workspace["documents"] == 4 and workspace["chunks"] > 0 and workspace["indexing"] == "indexed"
        assert workspace["last_job"]["job_id"] in (by_id["job_id"], by_name["job_id"])
        assert workspace["last_job"]["status"] == "succeeded"
        assert stored_files(stack.work_dir / "storage", tenant_id)
        before = await row_counts(stack.databases, LEFT_OVER, workspace=workspace_id, tenant=tenant_id)
        assert before["workspace"][:3] != [0, 0, 0] and before["ingest"][0] == 2 and before["questions"][0] == 2

        async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": other_key}) as intruder:
            assert (await intruder.get(url)).status_code == 404
            assert (await intruder.delete(url)).status_code == 404

        deleted = await client.delete(url)
        assert deleted.status_code == 204, deleted.text
        assert (await client.get(url)).status_code == 404

        await wait_until_gone(stack.databases, LEFT_OVER, lambda: stored_files(stack.work_dir / "storage", tenant_id),
                              workspace=workspace_id, tenant=tenant_id)

        # Job views stay as history; their results went with the workspace.
        job = (await client.get(f"/v1/jobs/{by_id['job_id']}")).json()
        assert job["status"] == "succeeded"
        assert (await client.get(f"/v1/jobs/{by_id['job_id']}/results")).status_code == 404
