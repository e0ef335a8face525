"""The README's API tour runs as written against `tenderflow dev`."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TOUR = re.compile(r"<!-- api-tour -->\s*```bash\n(?P<script>.*?)```\s*<!-- /api-tour -->", re.S)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_api_tour_runs_against_the_dev_server(tmp_path):
    script = TOUR.search((ROOT / "README.md").read_text(encoding="utf-8"))["script"]
    (tmp_path / ".run").mkdir()
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    sample = tmp_path / ".run" / "sample-tender.zip"
    subprocess.run([sys.executable, str(ROOT / "samples" / "make_sample.py"), str(sample)], check=True,
                   capture_output=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENDERFLOW_")}
    server = subprocess.Popen([sys.executable, "-m", "tenderflow_cli", "dev", "--port", str(port), "--data-dir",
                               str(tmp_path / ".tenderflow")], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "dev server did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        tour = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True,
                              text=True, timeout=180, env={**env, "TF": f"http://127.0.0.1:{port}"})
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    assert tour.returncode == 0, tour.stderr
    output = tour.stdout
    assert '"status":"succeeded"' in output or '"status":"running"' in output
    assert "Kilbrannock Harbour Authority" in output
    assert "question_id,question,answer,confidence,fragment_coverage,citations,model,path,grounded,error" in output
    assert '"name":"contacts"' in output
    assert "cancelling" in output or "Job already finished" in output
    assert '{"jobs":[],"total":0,"next_cursor":null}' in output
    assert '"kind":"run"' in output
    assert "urn:tenderflow:problem:job-not-found" in output
    assert "urn:tenderflow:problem:unauthenticated" in output
    assert '"status":500' not in output
