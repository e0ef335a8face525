"""Find real Kafka, PostgreSQL and Redis for tests (the environment, then `.run/infra.env`, then Docker), and the
local model server (the environment, then `.run/llm.env`)."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ENV_KEYS = ("TENDERFLOW_KAFKA_BOOTSTRAP_SERVERS", "TENDERFLOW_POSTGRES_URL", "TENDERFLOW_REDIS_URL")
LLM_ENV_KEYS = ("TENDERFLOW_OPENAI_BASE_URL", "TENDERFLOW_LOCAL_LLM_MODEL")
LLM_API_KEY = "TENDERFLOW_OPENAI_API_KEY"
# The local server takes any key, but OpenAI clients refuse to send none.
LLM_DEFAULT_API_KEY = "local"


@dataclass(frozen=True)
class Infra:
    """Connection settings of the servers the tests talk to."""

    kafka_bootstrap_servers: str
    postgres_url: str
    redis_url: str


def repo_root() -> Path:
    """The checkout this package runs from (the folder holding the root pyproject with the workspace)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "services").is_dir():
            return parent
    return Path.cwd()


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, ignoring blanks and comments."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"')
    return values


def from_environment() -> Infra | None:
    """Servers named by the environment or by `make infra-up`'s env file."""
    values = {key: os.environ[key] for key in ENV_KEYS if os.environ.get(key)}
    env_file = repo_root() / ".run" / "infra.env"
    if len(values) < len(ENV_KEYS) and env_file.is_file():
        values = {**read_env_file(env_file), **values}
    if all(values.get(key) for key in ENV_KEYS):
        return Infra(*(values[key] for key in ENV_KEYS))
    return None


@dataclass(frozen=True)
class LocalLLM:
    """An OpenAI-compatible model server: where it answers, the model it serves and a key it accepts."""

    base_url: str
    model: str
    api_key: str


def local_llm_from_environment() -> LocalLLM | None:
    """The model server named by the environment or by `make llm-up`'s env file."""
    keys = (*LLM_ENV_KEYS, LLM_API_KEY)
    values = {key: os.environ[key] for key in keys if os.environ.get(key)}
    env_file = repo_root() / ".run" / "llm.env"
    if len(values) < len(keys) and env_file.is_file():
        values = {**read_env_file(env_file), **values}
    if all(values.get(key) for key in LLM_ENV_KEYS):
        base_url, model = (values[key] for key in LLM_ENV_KEYS)
        return LocalLLM(base_url=base_url, model=model, api_key=values.get(LLM_API_KEY) or LLM_DEFAULT_API_KEY)
    return None


def docker_available() -> bool:
    """A Docker engine really answers (a client alone is not enough)."""
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class ContainerInfra:
    """Throwaway containers for hosts with Docker; stopped when the session ends."""

    def __init__(self) -> None:
        from testcontainers.kafka import KafkaContainer
        from testcontainers.postgres import PostgresContainer
        from testcontainers.redis import RedisContainer

        self._containers = [
            KafkaContainer().with_kraft(),
            PostgresContainer("postgres:16", username="tenderflow", password="tenderflow"),
            RedisContainer(),
        ]

    def start(self) -> Infra:
        kafka, postgres, redis = (container.start() for container in self._containers)
        pg_host, pg_port = postgres.get_container_host_ip(), postgres.get_exposed_port(5432)
        redis_host, redis_port = redis.get_container_host_ip(), redis.get_exposed_port(6379)
        return Infra(
            kafka_bootstrap_servers=kafka.get_bootstrap_server(),
            postgres_url=f"postgresql+asyncpg://tenderflow:tenderflow@{pg_host}:{pg_port}",
            redis_url=f"redis://{redis_host}:{redis_port}/0",
        )

    def stop(self) -> None:
        for container in self._containers:
            container.stop()
