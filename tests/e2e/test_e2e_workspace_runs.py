"""Asking a workspace again over the real stack: one upload, then a run with other questions answers from the
documents already indexed, and its job is followed, listed, fetched and exported like an upload's."""

import csv
import io

import httpx
import pytest

from .support import api_key_for, tender_package, wait_for_end

pytestmark = pytest.mark.e2e

QUESTIONS = ["Who is the contracting authority?",
             {"id": "email", "text": "What is the contact e-mail address?", "document_types": ["xml"]}]


async def test_a_workspace_answers_new_questions_without_a_new_upload(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    other_key = await api_key_for(stack.databases["gateway"], "globex")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=30) as client:
        with tender_package(tmp_path).open("rb") as file:
            uploaded = await client.post("/v1/documents", files={"file": ("p.zip", file, "application/zip")},
                                         data={"workspace": "reruns"})
        assert uploaded.status_code == 202, uploaded.text
        upload = await wait_for_end(client, uploaded.headers["location"])
        assert (upload["status"], upload["kind"], upload["workspace"]) == ("succeeded", "upload", "reruns"), upload
        workspace_id = upload["workspace_id"]

        started = await client.post(f"/v1/workspaces/{workspace_id}/runs", json={"questions": QUESTIONS})
        assert started.status_code == 202, started.text
        run = await wait_for_end(client, started.headers["location"])
        assert (run["status"], run["stage"], run["kind"]) == ("succeeded", "done", "run"), run
        assert (run["workspace"], run["workspace_id"]) == ("reruns", workspace_id)
        assert run["progress"]["percent"] == 100
        assert run["progress"]["questions_answered"] == run["progress"]["questions_total"] == 2
        assert run["progress"]["files_total"] == 0

        results = (await client.get(f"/v1/jobs/{run['job_id']}/results")).json()
        answers = {row["question_id"]: row for row in results["answers"]}
        assert list(answers) == ["q1", "email"]
        assert "Veitsh" in (answers["q1"]["answer"] or "")
        assert answers["email"]["answer"] == "hochbau@veitshoechheim.de"
        assert answers["email"]["citations"][0]["file"] == "notice/20-155018-001-EXP.xml"
        exported = await client.get(f"/v1/jobs/{run['job_id']}/results", params={"format": "csv"})
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [row["question_id"] for row in rows] == ["q1", "email"]

        runs = (await client.get("/v1/jobs", params={"kind": "run", "workspace": workspace_id})).json()
        assert ([job["job_id"] for job in runs["jobs"]], runs["total"]) == ([run["job_id"]], 1)
        uploads = (await client.get("/v1/jobs", params={"kind": "upload", "workspace": "reruns"})).json()
        assert [job["job_id"] for job in uploads["jobs"]] == [upload["job_id"]]
        assert (await client.post("/v1/workspaces/no-such-workspace/runs", json={})).status_code == 404

    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": other_key}) as intruder:
        assert (await intruder.post(f"/v1/workspaces/{workspace_id}/runs", json={})).status_code == 404
        assert (await intruder.get("/v1/jobs", params={"workspace": workspace_id})).json()["total"] == 0
