"""Internal APIs serve the tenant a signed token names: no token, an expired one, one for another service or caller,
or a query naming another tenant are all refused, and a read-only token cannot write."""

import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import ALGORITHM, TOKEN_TYPE, InternalTokenSigner, party
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import PlatformSettings
from tenderflow_jobs.main import build_service as build_jobs
from tenderflow_jobs.settings import JobsSettings
from tenderflow_questions.main import MIGRATIONS
from tenderflow_questions.main import build_service as build_questions
from tenderflow_questions.question_sets import DEFAULT_SET_NAME
from tenderflow_questions.settings import QuestionsSettings
from tenderflow_workspace.main import build_service as build_workspace
from tenderflow_workspace.settings import WorkspaceSettings

PLATFORM = PlatformSettings()
GATEWAY = InternalTokenSigner(PLATFORM.signing_key, "gateway")
SET = {"questions": [{"id": "deadline", "text": "When is the deadline?"}]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def questions_app(tmp_path) -> AsyncIterator[httpx.ASGITransport]:
    """The questions service's app on a migrated SQLite database."""
    settings = QuestionsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'questions.db'}", platform=PLATFORM)
    service = build_questions(settings, InMemoryTransport())
    await upgrade_to_head(MIGRATIONS, service.runtime.database_url)
    yield httpx.ASGITransport(app=service.app)
    await service.runtime.engine.dispose()


@pytest.fixture
async def questions(questions_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=questions_app, base_url="http://questions") as client:
        yield client


async def test_the_tenant_comes_from_the_token(questions):
    created = await questions.put("/internal/question-sets/mine", json=SET,
                                  headers=bearer(GATEWAY.sign("questions", {"read", "write"}, "tenant-a")))
    assert created.status_code == 201
    own = await questions.get("/internal/question-sets",
                              headers=bearer(GATEWAY.sign("questions", {"read"}, "tenant-a")))
    other = await questions.get("/internal/question-sets",
                                headers=bearer(GATEWAY.sign("questions", {"read"}, "tenant-b")))
    assert [s["name"] for s in own.json()["question_sets"]] == [DEFAULT_SET_NAME, "mine"]
    assert [s["name"] for s in other.json()["question_sets"]] == [DEFAULT_SET_NAME]


async def test_a_query_naming_another_tenant_is_refused(questions):
    response = await questions.get("/internal/question-sets", params={"tenant_id": "tenant-b"},
                                   headers=bearer(GATEWAY.sign("questions", {"read"}, "tenant-a")))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:tenderflow:problem:internal-tenant"


def _expired() -> str:
    now = int(time.time())
    claims = {"iss": party("gateway"), "aud": party("questions"), "iat": now - 120, "exp": now - 60,
              "sub": "tenant-a", "scope": "read"}
    return jwt.encode(claims, PLATFORM.signing_key, algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})


@pytest.mark.parametrize(("headers", "status"), [
    pytest.param(lambda: {}, 401, id="no-token"),
    pytest.param(lambda: {"X-Internal-Token": PLATFORM.signing_key}, 401, id="the-old-static-header"),
    pytest.param(lambda: bearer(PLATFORM.signing_key), 401, id="the-key-itself"),
    pytest.param(lambda: bearer(_expired()), 401, id="expired"),
    pytest.param(lambda: bearer(GATEWAY.sign("jobs", {"read"}, "tenant-a")), 401, id="other-audience"),
    pytest.param(lambda: bearer(InternalTokenSigner(PLATFORM.signing_key, "workspace").sign("questions", {"read"},
                                                                                             "tenant-a")), 401,
                 id="caller-not-allowed"),
    pytest.param(lambda: bearer(GATEWAY.sign("questions", {"read"})), 403, id="no-tenant"),
])
async def test_calls_without_a_valid_token_for_this_service_are_refused(questions, headers, status):
    # Tokens are signed when the test runs: they live 30 seconds, and collection can take longer.
    response = await questions.get("/internal/question-sets", headers=headers())
    assert response.status_code == status
    assert "question_sets" not in response.text


async def test_a_read_token_cannot_write(questions):
    response = await questions.put("/internal/question-sets/mine", json=SET,
                                   headers=bearer(GATEWAY.sign("questions", {"read"}, "tenant-a")))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:tenderflow:problem:internal-scope"


async def test_the_client_puts_the_tenant_in_the_token_and_not_the_query(questions_app):
    seen: list[httpx.Request] = []

    async def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await questions_app.handle_async_request(request)

    client = InternalClient("questions", "http://questions", GATEWAY, transport=httpx.MockTransport(recording))
    try:
        written = await client.put("/internal/question-sets/mine", json=SET, tenant_id="tenant-a")
        listed = await client.get("/internal/question-sets", tenant_id="tenant-a")
    finally:
        await client.aclose()
    assert written.status_code == 201
    assert [s["name"] for s in listed.json()["question_sets"]] == [DEFAULT_SET_NAME, "mine"]
    assert all("tenant_id" not in request.url.params for request in seen)


@pytest.mark.parametrize(("build", "settings_class", "audience", "caller", "method", "path", "body"), [
    pytest.param(build_jobs, JobsSettings, "jobs", "gateway", "GET", "/internal/jobs", None, id="jobs"),
    pytest.param(build_workspace, WorkspaceSettings, "workspace", "questions", "POST", "/internal/workspaces/w/search",
                 {"query": "deadline"}, id="workspace-search"),
])
async def test_every_internal_api_refuses_a_call_without_a_token_or_with_a_forged_tenant(
        tmp_path, build, settings_class, audience, caller, method, path, body):
    service = build(settings_class(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", platform=PLATFORM),
                    InMemoryTransport())
    token = InternalTokenSigner(PLATFORM.signing_key, caller).sign(audience, {"read"}, "tenant-a")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.app), base_url="http://service") as client:
        missing = await client.request(method, path, params={"tenant_id": "tenant-a"}, json=body)
        forged = await client.request(method, path, params={"tenant_id": "tenant-b"}, json=body,
                                      headers=bearer(token))
    await service.runtime.engine.dispose()
    assert missing.status_code == 401
    assert forged.status_code == 403
