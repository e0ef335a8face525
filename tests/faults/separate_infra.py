"""A Kafka, PostgreSQL and Redis of the suite's own, on ports and in a run folder of their own, which it may stop
and start: the usual instance is shared by everything else running on the machine and is never touched."""

import asyncio
import os
import subprocess
import time
from pathlib import Path

from tenderflow_common.testing.infra import Infra, read_env_file

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts" / "infra"
RUN_DIR = ROOT / ".run" / "faults-infra"
# Next to the usual 9092-9094, 5432 and 6379; scripts/infra/up.sh reads them (and its defaults stay the usual).
SETTINGS = {
    "TENDERFLOW_INFRA_RUN_DIR": str(RUN_DIR),
    "TENDERFLOW_INFRA_KAFKA_PORT": "19092",
    "TENDERFLOW_INFRA_KAFKA_CONTROLLER_PORT": "19093",
    "TENDERFLOW_INFRA_KAFKA_SASL_PORT": "19094",
    "TENDERFLOW_INFRA_PG_PORT": "15432",
    "TENDERFLOW_INFRA_PG_CLUSTER": "faults",
    "TENDERFLOW_INFRA_REDIS_PORT": "16379",
}


def _environment() -> dict[str, str]:
    return {**os.environ, **SETTINGS}


def _run(script: str, *args: str) -> None:
    done = subprocess.run(["bash", str(SCRIPTS / script), *args], env=_environment(), capture_output=True,
                          text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def up() -> Infra:
    """Start the instance (or reuse its servers if they are up); its connection settings."""
    _run("up.sh")
    values = read_env_file(RUN_DIR / "infra.env")
    return Infra(values["TENDERFLOW_KAFKA_BOOTSTRAP_SERVERS"], values["TENDERFLOW_POSTGRES_URL"],
                 values["TENDERFLOW_REDIS_URL"])


def down() -> None:
    _run("down.sh")


async def stop(server: str) -> float:
    """Stop one server (kafka, postgres or redis); the moment it was down."""
    await asyncio.to_thread(_run, "restart.sh", server, "stop")
    return time.monotonic()


async def start(server: str) -> float:
    """Start it again and wait until it serves; the moment it did."""
    await asyncio.to_thread(_run, "restart.sh", server, "start")
    return time.monotonic()
