"""Waits until a Kafka broker answers a metadata request; up.sh uses it as the readiness check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from tenderflow_common.processes import process_alive


async def metadata_round_trip(bootstrap: str, login: dict[str, Any]) -> int:
    """Bootstraps an admin client, asks for cluster metadata and returns the number of brokers."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000, **login)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return len(cluster["brokers"])
    finally:
        await admin.close()


def scram_login(username: str | None, password_file: Path | None) -> dict[str, Any]:
    """Client options for a SCRAM-SHA-512 login on a SASL_PLAINTEXT listener; none for the plaintext one."""
    if username is None or password_file is None:
        return {}
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": username, "sasl_plain_password": password_file.read_text().strip()}


async def wait_ready(bootstrap: str, wait_seconds: float, pid: int | None, login: dict[str, Any]) -> None:
    deadline = time.monotonic() + wait_seconds
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if pid is not None and not process_alive(pid):
            raise SystemExit(f"kafka process {pid} exited before becoming ready")
        try:
            if await metadata_round_trip(bootstrap, login) > 0:
                return
            last_error = RuntimeError("metadata response lists no brokers")
        except Exception as exc:  # any failure just means "not ready yet"
            last_error = exc
        await asyncio.sleep(0.25)
    raise SystemExit(f"kafka at {bootstrap} not ready after {wait_seconds:.0f}s: {last_error!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--pid", type=int, help="fail early if this process exits")
    parser.add_argument("--sasl-username", help="log in with SCRAM-SHA-512 as this user")
    parser.add_argument("--sasl-password-file", type=Path, help="the file holding that user's password")
    args = parser.parse_args()
    # Connection refusals are expected while the broker boots; keep them out of the output.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    asyncio.run(wait_ready(args.bootstrap, args.timeout, args.pid, scram_login(args.sasl_username,
                                                                               args.sasl_password_file)))


if __name__ == "__main__":
    sys.exit(main())
