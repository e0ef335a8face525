"""`make llm-up` counts the model server as ready only when it lists the model and, asked to, completes a chat.

A llama.cpp built for instructions the machine does not let a process run listed its model and died on its first
completion; these tests run the readiness check against small HTTP servers that behave like that and like a
working one.
"""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODELS_READY = ROOT / "scripts" / "llm" / "models_ready.py"
MODEL = "gemma-3-270m"


@contextmanager
def model_server(*, completes: bool) -> Iterator[str]:
    """An OpenAI-compatible server listing the model; its chat completions answer, or drop the connection."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply({"object": "list", "data": [{"id": MODEL, "object": "model"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not completes:
                self.connection.close()  # as a server process that dies mid-request
                return
            self._reply({"object": "chat.completion", "model": body["model"],
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"},
                                      "finish_reason": "length"}]})

        def _reply(self, document: dict) -> None:
            payload = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def readiness(base_url: str, *flags: str, model: str = MODEL) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(MODELS_READY), "--base-url", base_url, "--model", model, *flags],
                          capture_output=True, text=True, timeout=60)


def test_a_server_that_lists_the_model_but_cannot_complete_is_not_ready_when_generation_is_asked() -> None:
    with model_server(completes=False) as base_url:
        listed_only = readiness(base_url)
        generating = readiness(base_url, "--generate")
    assert listed_only.returncode == 0
    assert generating.returncode == 3
    assert "did not complete a one-token chat" in generating.stderr


def test_a_server_that_completes_is_ready() -> None:
    with model_server(completes=True) as base_url:
        assert readiness(base_url, "--generate").returncode == 0


def test_a_server_serving_another_model_is_told_apart() -> None:
    with model_server(completes=True) as base_url:
        assert readiness(base_url, "--generate", model="other").returncode == 2
