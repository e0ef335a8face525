"""The five services as separate processes on free ports, each with its own fresh database."""

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_common.testing.infra import Infra, from_environment
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics, new_prefix

SERVICES = ("gateway", "ingest", "workspace", "questions", "jobs")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """Running service processes and how to reach them."""

    infra: Infra
    topic_prefix: str
    work_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    internal_signing_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TENDERFLOW_")}
        env.update({
            "TENDERFLOW_KAFKA_BOOTSTRAP_SERVERS": self.infra.kafka_bootstrap_servers,
            "TENDERFLOW_KAFKA_TOPIC_PREFIX": self.topic_prefix,
            "TENDERFLOW_POSTGRES_URL": self.infra.postgres_url,
            "TENDERFLOW_REDIS_URL": self.infra.redis_url,
            "TENDERFLOW_STORAGE_ROOT": str(self.work_dir / "storage"),
            "TENDERFLOW_INGEST_WORK_DIR": str(self.work_dir / "ingest-work"),
            "TENDERFLOW_INTERNAL_SIGNING_KEY": self.internal_signing_key,
            "TENDERFLOW_ENV": "test",
            # Tests poll jobs far faster than any budget a client would get; the rate-limit test sets its own.
            "TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE": "0",
        })
        for service in SERVICES:
            env[f"TENDERFLOW_{service.upper()}_PORT"] = str(self.ports[service])
            env[f"TENDERFLOW_{service.upper()}_DATABASE_URL"] = self.databases[service]
        for client, target in (("GATEWAY_JOBS", "jobs"), ("GATEWAY_QUESTIONS", "questions"),
                               ("GATEWAY_WORKSPACE", "workspace"), ("QUESTIONS_WORKSPACE", "workspace")):
            env[f"TENDERFLOW_{client}_URL"] = f"http://127.0.0.1:{self.ports[target]}"
        env.update(self.extra_env)
        return env

    async def start(self, timeout_seconds: float = 90.0) -> None:
        for service in SERVICES:
            self.ports[service] = free_port()
            self.databases[service] = await create_database(self.infra.postgres_url, service)
        env = self.environment()
        logs = self.work_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            self.start_service(service, env, logs)
        await self.wait_ready(timeout_seconds)

    def start_service(self, service: str, env: dict[str, str] | None = None, logs: Path | None = None) -> None:
        logs = logs or self.work_dir / "logs"
        log_file = (logs / f"{service}.log").open("ab")
        self.processes[service] = subprocess.Popen([sys.executable, "-m", f"tenderflow_{service}"],
                                                   env=env or self.environment(), stdout=log_file,
                                                   stderr=subprocess.STDOUT)

    async def wait_ready(self, timeout_seconds: float = 90.0, services: tuple[str, ...] = SERVICES) -> None:
        deadline = time.monotonic() + timeout_seconds
        async with httpx.AsyncClient(timeout=3) as client:
            for service in services:
                while True:
                    if self.processes[service].poll() is not None:
                        raise RuntimeError(f"{service} exited early:\n{self.log_tail(service)}")
                    try:
                        response = await client.get(f"http://127.0.0.1:{self.ports[service]}/health/ready")
                        if response.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{service} not ready:\n{self.log_tail(service)}")
                    await asyncio.sleep(0.3)

    def log_tail(self, service: str, lines: int = 40) -> str:
        path = self.work_dir / "logs" / f"{service}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop_service(self, service: str) -> None:
        process = self.processes.pop(service, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    async def stop(self) -> None:
        for service in list(self.processes):
            self.stop_service(service)
        for url in self.databases.values():
            await drop_database(self.infra.postgres_url, url)

    def api_key(self, tenant: str) -> str:
        """A new key of `tenant` (created if missing), made with the CLI in this stack's gateway database."""
        env = self.environment() | {"TENDERFLOW_GATEWAY_DATABASE_URL": self.databases["gateway"]}
        created = subprocess.run([sys.executable, "-m", "tenderflow_cli", "keys", "create", "--tenant", tenant],
                                 env=env, check=True, capture_output=True, text=True)
        return created.stdout.strip().splitlines()[-1]


@contextlib.asynccontextmanager
async def stack_of_its_own(work_dir: Path, extra_env: dict[str, str] | None = None,
                           timeout_seconds: float = 90.0) -> AsyncIterator[Stack]:
    """A started stack on the local infrastructure with topics of its own (a fresh prefix), for a benchmark; stopped
    afterwards, its databases dropped and its topics deleted. Exits when there is no infrastructure to find."""
    infra = from_environment()
    if infra is None:
        sys.exit("No Kafka/PostgreSQL/Redis found: run `make infra-up` first.")
    prefix = new_prefix()
    topics = await create_prefixed_topics(infra.kafka_bootstrap_servers, prefix)
    stack = Stack(infra=infra, topic_prefix=prefix, work_dir=work_dir, extra_env=extra_env or {})
    try:
        await stack.start(timeout_seconds)
        yield stack
    finally:
        await stack.stop()
        await delete_topics(infra.kafka_bootstrap_servers, topics)
