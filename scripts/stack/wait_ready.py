"""Polls each service's /health/ready until it answers 200, so stack/up.sh knows the stack is usable."""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request

from tenderflow_common.processes import process_alive


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("services", nargs="+", metavar="NAME:PORT:PID")
    args = parser.parse_args()

    pending: dict[str, tuple[int, int]] = {}
    for spec in args.services:
        name, port, pid = spec.split(":")
        pending[name] = (int(port), int(pid))

    started = time.monotonic()
    deadline = started + args.timeout
    failed: list[str] = []
    while pending:
        for name, (port, pid) in list(pending.items()):
            if ready(port):
                print(f"  {name}: ready on {port} after {time.monotonic() - started:.1f}s", file=sys.stderr)
                del pending[name]
            elif not process_alive(pid):
                print(f"  {name}: process {pid} exited before becoming ready", file=sys.stderr)
                failed.append(name)
                del pending[name]
        if pending and time.monotonic() > deadline:
            for name, (port, _) in pending.items():
                print(f"  {name}: :{port}/health/ready not 200 within {args.timeout:.0f}s", file=sys.stderr)
            failed.extend(pending)
            break
        if pending:
            time.sleep(0.2)

    # The caller reads the failed service names from stdout.
    print(" ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
