"""Mistakes a user can make with `tenderflow` end in one line on stderr and exit status 1, never a traceback.

The gateway is faked at the HTTP level by a local server that answers what each test tells it to, so these run
without the stack. A couple of checks run the real command in a child process, where nothing can catch a
traceback before it reaches stderr.
"""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tenderflow_cli.errors import CliError
from tenderflow_cli.main import app

PROBLEM = "application/problem+json"


class FakeGateway:
    """Answers every request with the status, body and content type of its route (`METHOD /path`), and any extra
    headers given for it; `requests` lists the routes asked, in order."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, str]] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                route = f"{self.command} {self.path.split('?')[0]}"
                fake.requests.append(route)
                status, body, content_type = fake.routes.get(route, (404, b"{}", PROBLEM))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in fake.headers.get(route, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def problem(self, route: str, status: int, title: str, detail: str) -> None:
        body = json.dumps({"type": "urn:test", "title": title, "status": status, "detail": detail}).encode()
        self.routes[route] = (status, body, PROBLEM)


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    path = tmp_path / "tender.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notice.json", "{}")
    return path


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def invoke(*args: str, **env: str):
    """Runs the command in this process; stderr is kept apart from stdout."""
    clean = {name: None for name in os.environ if name.startswith("TENDERFLOW_")}
    return CliRunner().invoke(app, list(args), env=clean | env)


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Runs `python -m tenderflow_cli` in a child process, as a user would."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("TENDERFLOW_")}
    return subprocess.run([sys.executable, "-m", "tenderflow_cli", *args], capture_output=True, text=True,
                          timeout=120, env=clean | env)


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and "Traceback" not in stderr
    return lines[0]


def test_an_unreachable_gateway_is_one_line_naming_it_and_the_stack(package: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run("analyze", str(package), "--gateway", url, "--api-key", "some-key")
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert f"cannot reach the gateway at {url}" in line and "make stack-up" in line
    assert result.stdout == ""


def test_tenderflow_debug_shows_the_traceback(package: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run("jobs", "list", "--gateway", url, "--api-key", "some-key", TENDERFLOW_DEBUG="1")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ConnectError" in result.stderr and "CliError" in result.stderr
    assert "some-key" not in result.stderr  # tracebacks leave locals out, so keys do not leak into them


def test_the_debug_option_lets_the_error_through_with_its_cause(package: Path) -> None:
    result = invoke("--debug", "analyze", str(package), "--gateway", f"http://127.0.0.1:{free_port()}",
                    "--api-key", "some-key")
    assert isinstance(result.exception, CliError)
    assert isinstance(result.exception.__cause__, httpx.ConnectError)


def test_a_refused_key_says_to_check_the_key(gateway: FakeGateway, package: Path) -> None:
    gateway.problem("POST /v1/documents", 401, "Invalid API key", "The key is unknown or revoked.")
    result = invoke("analyze", str(package), "--gateway", gateway.url, "--api-key", "wrong")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"the gateway at {gateway.url} refused the API key" in line
    assert "401 Invalid API key: The key is unknown or revoked." in line and "check the key" in line
    assert result.stdout == ""


def test_a_forbidden_answer_is_a_refused_key_too(gateway: FakeGateway) -> None:
    gateway.problem("GET /v1/jobs", 403, "Forbidden", "Not for this key.")
    result = invoke("jobs", "list", "--gateway", gateway.url, "--api-key", "wrong")
    assert result.exit_code == 1
    assert "refused the API key (403 Forbidden: Not for this key.)" in one_error_line(result.stderr)


def test_a_server_error_says_what_failed_and_to_try_again(gateway: FakeGateway, package: Path) -> None:
    gateway.routes["POST /v1/documents"] = (502, b"<html>bad gateway</html>", "text/html")
    result = invoke("analyze", str(package), "--gateway", gateway.url, "--api-key", "key")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"the gateway at {gateway.url} failed (502 Bad Gateway) on POST /v1/documents" in line
    assert "try again" in line

    gateway.problem("GET /v1/jobs/j1", 503, "Service unavailable", "The jobs service did not answer.")
    result = invoke("jobs", "show", "j1", "--gateway", gateway.url, "--api-key", "key")
    assert result.exit_code == 1
    assert "failed (503 Service unavailable: The jobs service did not answer.)" in one_error_line(result.stderr)


def test_jobs_print_errors_on_stderr_and_results_on_stdout(gateway: FakeGateway) -> None:
    gateway.problem("GET /v1/jobs/missing", 404, "Job not found", "No job missing for this tenant.")
    result = invoke("jobs", "show", "missing", "--gateway", gateway.url, "--api-key", "key")
    assert result.exit_code == 1 and result.stdout == ""
    assert one_error_line(result.stderr) == "error: Job not found: No job missing for this tenant."

    job = {"job_id": "j1", "status": "running"}
    gateway.routes["GET /v1/jobs/j1"] = (200, json.dumps(job).encode(), "application/json")
    result = invoke("jobs", "show", "j1", "--gateway", gateway.url, "--api-key", "key")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == job


def test_a_gateway_database_that_cannot_be_opened_names_it_without_its_password() -> None:
    url = f"postgresql+asyncpg://tenderflow:s3cret@127.0.0.1:{free_port()}"
    result = invoke("keys", "list", TENDERFLOW_POSTGRES_URL=url)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "cannot open the gateway database at postgresql+asyncpg://tenderflow:***@127.0.0.1:" in line
    assert "make infra-up" in line and "s3cret" not in line


def test_a_rebuild_without_kafka_is_one_line(tmp_path: Path) -> None:
    aiokafka_log = logging.getLogger("aiokafka")
    level = aiokafka_log.level
    try:
        result = invoke("jobs", "rebuild", "--yes", TENDERFLOW_KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.1:{free_port()}",
                        TENDERFLOW_JOBS_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}")
    finally:
        aiokafka_log.setLevel(level)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "cannot rebuild the jobs projection from Kafka at 127.0.0.1:" in line and "make infra-up" in line


def test_dev_on_a_taken_port_says_so_before_starting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("dev", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 1 and result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in one_error_line(result.stderr)
    assert not (tmp_path / "data").exists()


def test_a_gateway_that_is_not_a_url_is_a_usage_error() -> None:
    result = invoke("jobs", "list", "--gateway", "127.0.0.1:8000", "--api-key", "key")
    assert result.exit_code == 2 and "http:// or https://" in result.stderr


def test_version_comes_from_the_package_metadata() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"tenderflow {version('tenderflow')}\n"
