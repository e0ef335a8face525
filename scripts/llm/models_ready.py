"""Asks an OpenAI-compatible server for GET /v1/models until it lists the model; llm/up.sh's readiness check.

With --generate it then asks for a one-token chat completion too: a server can list its model and still die on
its first computation (a llama.cpp built for instructions the machine reports but does not let a process run).

Exit status: 0 when the model is listed (and, with --generate, completes), 1 when nothing answers (or the process
given by --pid exits first), 2 when a server answers but does not serve the model, 3 when it lists the model but
does not complete a chat.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
import urllib.error
import urllib.request

from tenderflow_common.processes import process_alive

NOT_ANSWERING, WRONG_MODEL, NOT_GENERATING = 1, 2, 3
# A first completion loads the model's weights into the caches: seconds on two cores.
GENERATE_TIMEOUT_SECONDS = 60


def served_models(base_url: str, api_key: str) -> list[str] | None:
    """The model ids the server lists, or None when it does not answer with a model list."""
    listing = _json_reply(f"{base_url}/models", api_key, timeout=2)
    if not isinstance(listing, dict) or not isinstance(listing.get("data"), list):
        return None
    return [str(entry.get("id")) for entry in listing["data"] if isinstance(entry, dict)]


def completes_a_chat(base_url: str, api_key: str, model: str) -> bool:
    """True when the server answers a one-token chat completion with a choice."""
    body = {"model": model, "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 1}
    reply = _json_reply(f"{base_url}/chat/completions", api_key, timeout=GENERATE_TIMEOUT_SECONDS, body=body)
    return isinstance(reply, dict) and bool(reply.get("choices"))


def _json_reply(url: str, api_key: str, *, timeout: float, body: dict | None = None) -> object:
    """The JSON a request answers with (a POST of `body` when given), or None when it gets none."""
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):  # a body cut short included
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8090/v1")
    parser.add_argument("--model", required=True)
    parser.add_argument("--api-key", default="local", help="sent as a bearer token; a keyless server takes any")
    parser.add_argument("--timeout", type=float, default=0.0, help="seconds to keep asking; 0 asks once")
    parser.add_argument("--pid", type=int, help="give up as soon as this process exits")
    parser.add_argument("--generate", action="store_true", help="also require a one-token chat completion")
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    while True:
        models = served_models(args.base_url, args.api_key)
        if models is not None:
            if args.model not in models:
                print(f"{args.base_url} serves {models}, not {args.model}", file=sys.stderr)
                return WRONG_MODEL
            if args.generate and not completes_a_chat(args.base_url, args.api_key, args.model):
                print(f"{args.base_url} lists {args.model} but did not complete a one-token chat", file=sys.stderr)
                return NOT_GENERATING
            return 0
        if args.pid is not None and not process_alive(args.pid):
            print(f"process {args.pid} exited before {args.base_url}/models answered", file=sys.stderr)
            return NOT_ANSWERING
        if time.monotonic() >= deadline:
            if args.timeout:
                print(f"{args.base_url}/models did not answer within {args.timeout:.0f}s", file=sys.stderr)
            return NOT_ANSWERING
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
