"""Waits until a Kafka broker answers a metadata request; up.sh uses it as the readiness check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient

from tenderflow_common.processes import process_alive


async def metadata_round_trip(bootstrap: str) -> int:
    """Bootstraps an admin client, asks for cluster metadata and returns the number of brokers."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return len(cluster["brokers"])
    finally:
        await admin.close()


async def wait_ready(bootstrap: str, wait_seconds: float, pid: int | None) -> None:
    deadline = time.monotonic() + wait_seconds
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if pid is not None and not process_alive(pid):
            raise SystemExit(f"kafka process {pid} exited before becoming ready")
        try:
            if await metadata_round_trip(bootstrap) > 0:
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
    args = parser.parse_args()
    # Connection refusals are expected while the broker boots; keep them out of the output.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    asyncio.run(wait_ready(args.bootstrap, args.timeout, args.pid))


if __name__ == "__main__":
    sys.exit(main())
