"""`tenderflow dev` serves the full API from one process, prints a key on first start and keeps data across restarts."""

import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

TED_NOTICE = Path(__file__).resolve().parents[3] / "shared" / "data" / "tenders" / "ted" / "20-155018-001-EXP.xml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dev(data_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERFLOW_")}
    return subprocess.Popen([sys.executable, "-m", "tenderflow_cli", "dev", "--port", str(port), "--data-dir",
                             str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("dev server not ready")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return output


@pytest.fixture
def package(tmp_path: Path) -> Path:
    path = tmp_path / "tender.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(TED_NOTICE, TED_NOTICE.name)
        archive.writestr("../escape.txt", "zip slip")
    return path


def test_dev_server_runs_the_api_and_keeps_data(tmp_path, package):
    data_dir, port = tmp_path / "data", free_port()
    process = start_dev(data_dir, port)
    try:
        wait_ready(port, process)
        key = (data_dir / "dev-api-key").read_text().strip()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=30) as client:
            assert client.get("/v1/jobs").status_code == 200
            assert client.get("/v1/jobs", headers={"X-API-Key": "wrong"}).status_code == 401
            upload = client.post("/v1/documents", files={"file": ("tender.zip", package.read_bytes())})
            assert upload.status_code == 202, upload.text
            deadline = time.monotonic() + 60
            while (job := client.get(upload.headers["location"]).json())["status"] not in (
                    "succeeded", "failed", "cancelled"):
                assert time.monotonic() < deadline
                time.sleep(0.3)
            assert job["status"] == "succeeded", job
            verdicts = {f["name"]: f for f in job["files"]}
            assert verdicts["../escape.txt"]["accepted"] is False
            results = client.get(f"/v1/jobs/{job['job_id']}/results").json()
            buyer = next(a for a in results["answers"] if a["question_id"] == "buyer")
            assert "Veitsh" in buyer["answer"]
    finally:
        first_output = stop(process)
    assert f"New development API key: {key}" in first_output
    assert not (tmp_path / "escape.txt").exists() and not (data_dir / "escape.txt").exists()

    process = start_dev(data_dir, port)
    try:
        wait_ready(port, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}) as client:
            assert [j["job_id"] for j in client.get("/v1/jobs").json()["jobs"]] == [job["job_id"]]
    finally:
        second_output = stop(process)
    assert "New development API key" not in second_output
