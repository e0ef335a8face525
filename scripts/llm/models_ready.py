"""Asks an OpenAI-compatible server for GET /v1/models until it lists the model; llm/up.sh's readiness check.

Exit status: 0 when the model is listed, 1 when nothing answers (or the process given by --pid exits first),
2 when a server answers but does not serve the model.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request

from tenderflow_common.processes import process_alive

NOT_ANSWERING, WRONG_MODEL = 1, 2


def served_models(base_url: str) -> list[str] | None:
    """The model ids the server lists, or None when it does not answer with a model list."""
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
            listing = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if not isinstance(listing, dict) or not isinstance(listing.get("data"), list):
        return None
    return [str(entry.get("id")) for entry in listing["data"] if isinstance(entry, dict)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8090/v1")
    parser.add_argument("--model", required=True)
    parser.add_argument("--timeout", type=float, default=0.0, help="seconds to keep asking; 0 asks once")
    parser.add_argument("--pid", type=int, help="give up as soon as this process exits")
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    while True:
        models = served_models(args.base_url)
        if models is not None:
            if args.model in models:
                return 0
            print(f"{args.base_url} serves {models}, not {args.model}", file=sys.stderr)
            return WRONG_MODEL
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
