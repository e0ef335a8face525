"""`tenderflow analyze` prints exactly the REST results document, and fails with one line when the job fails."""

import asyncio
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx

from tenderflow_cli.embedded import EmbeddedSystem

TENDERS = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders"


def tenderflow(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERFLOW_")} | {"COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "tenderflow_cli", *args], capture_output=True, text=True,
                          timeout=180, env=env)


async def rest_results(data_dir: Path, job_id: str) -> dict:
    system = EmbeddedSystem(data_dir).build()
    await system.start()
    try:
        key, _ = await system.dev_api_key()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.gateway), base_url="http://x",
                                     headers={"X-API-Key": key}) as client:
            return (await client.get(f"/v1/jobs/{job_id}/results")).json()
    finally:
        await system.stop()


def test_json_output_is_the_rest_results_document(tmp_path):
    package = tmp_path / "p.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(TENDERS / "ocds" / "nsw-1.json", "release.json")
    data_dir = tmp_path / "data"
    result = tenderflow("analyze", str(package), "--format", "json", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == asyncio.run(rest_results(data_dir, printed["job_id"]))
    assert {row["question_id"] for row in printed["answers"]} >= {"buyer", "title", "deadline"}


def test_csv_output_to_a_file_and_ad_hoc_questions(tmp_path):
    package = tmp_path / "p.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(TENDERS / "ocds" / "nsw-1.json", "release.json")
    questions = tmp_path / "q.json"
    questions.write_text(json.dumps([{"id": "deadline", "text": "When is the tender closing date?"}]))
    output = tmp_path / "out.csv"
    result = tenderflow("analyze", str(package), "--questions", str(questions), "--format", "csv", "--output",
                        str(output), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("question_id,question,answer,confidence")
    assert len(lines) == 2 and lines[1].startswith("deadline,")


def test_rejected_package_exits_non_zero_with_one_line(tmp_path):
    package = tmp_path / "p.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("../../etc/passwd", "root:x:0:0")
    result = tenderflow("analyze", str(package), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "failed" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    not_zip = tmp_path / "notice.zip"
    not_zip.write_bytes(b"%PDF-1.7 not a zip")
    result = tenderflow("analyze", str(not_zip), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1 and "Not a ZIP" in result.stderr
