"""Pytest fixtures for real infrastructure: Kafka, PostgreSQL and Redis, found or started once per session, and the
local model server that `make llm-up` starts."""

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM, fake_anythingllm_server
from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_common.testing.infra import (
    ContainerInfra,
    Infra,
    LocalLLM,
    docker_available,
    from_environment,
    local_llm_from_environment,
)
from tenderflow_common.testing.llm_fakes import FakeAnthropic, FakeOllama, FakeOpenAI
from tenderflow_common.testing.stack import Stack
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics, new_prefix

STACK_UPLOAD_LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """Servers from the environment or `make infra-up`, else testcontainers when Docker works."""
    found = from_environment()
    if found is not None:
        yield found
        return
    if docker_available():
        containers = ContainerInfra()
        try:
            yield containers.start()
        finally:
            containers.stop()
        return
    pytest.fail("No Kafka/PostgreSQL/Redis found: run `make infra-up` (or use a host with Docker).")


@pytest.fixture(scope="session")
def local_llm() -> LocalLLM:
    """The OpenAI-compatible model server from the environment or `make llm-up` (Gemma 3 270M on llama.cpp)."""
    found = local_llm_from_environment()
    if found is None:
        pytest.fail("No local model server configured (TENDERFLOW_OPENAI_BASE_URL and TENDERFLOW_LOCAL_LLM_MODEL, "
                    "or .run/llm.env): run `make llm-up`.")
    return found


@pytest.fixture(scope="session")
def anythingllm_server() -> Iterator[FakeAnythingLLM]:
    """One fake AnythingLLM server for the whole run; `fake_anythingllm` hands it to each test emptied."""
    with fake_anythingllm_server() as fake:
        yield fake


@pytest.fixture
def fake_anythingllm(anythingllm_server: FakeAnythingLLM) -> FakeAnythingLLM:
    """A fake AnythingLLM over real HTTP on 127.0.0.1, with no workspaces, documents or scripted failures."""
    anythingllm_server.reset()
    return anythingllm_server


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(infra: Infra) -> str:
    """Bootstrap servers of the real broker."""
    return infra.kafka_bootstrap_servers


@pytest.fixture(scope="session")
def redis_url(infra: Infra) -> str:
    """URL of the real Redis."""
    return infra.redis_url


@pytest.fixture
async def fresh_database_url(infra: Infra, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """An empty PostgreSQL database for one test, dropped afterwards."""
    prefix = "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:20] or "db"
    url = await create_database(infra.postgres_url, prefix)
    try:
        yield url
    finally:
        await drop_database(infra.postgres_url, url)


@pytest.fixture
async def topic_prefix(kafka_bootstrap_servers: str) -> AsyncIterator[str]:
    """Every Tenderflow topic created afresh under a unique prefix, deleted afterwards."""
    prefix = new_prefix()
    names = await create_prefixed_topics(kafka_bootstrap_servers, prefix)
    try:
        yield prefix
    finally:
        await delete_topics(kafka_bootstrap_servers, names)


@pytest.fixture
def stack_env() -> dict[str, str]:
    """Settings the services get on top of the test defaults; override it in a test module to change them."""
    return {"TENDERFLOW_GATEWAY_MAX_UPLOAD_BYTES": str(STACK_UPLOAD_LIMIT)}


@pytest.fixture
async def stack(infra: Infra, topic_prefix: str, tmp_path, stack_env: dict[str, str]) -> AsyncIterator[Stack]:
    """The five services running as separate processes against the real infrastructure."""
    running = Stack(infra=infra, topic_prefix=topic_prefix, work_dir=tmp_path, extra_env=stack_env)
    try:
        # The same variable `make stack-up` reads: a loaded machine can need more than the default to import.
        await running.start(float(os.environ.get("TENDERFLOW_STACK_READY_TIMEOUT", "90")))
        yield running
    finally:
        await running.stop()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A scripted OpenAI Chat Completions server on 127.0.0.1; give its `base_url` and `api_key` to the client."""
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """A scripted Anthropic Messages server on 127.0.0.1; give its `base_url` and `api_key` to the client."""
    with FakeAnthropic() as fake:
        yield fake


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    """A scripted Ollama server on 127.0.0.1 serving the models in its `models` list; its `base_url` is the host."""
    with FakeOllama() as fake:
        yield fake
