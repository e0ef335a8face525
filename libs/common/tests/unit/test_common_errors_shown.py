"""What a caller sees of a failure: an unexpected error is a code, our sentence and a correlation id (its text goes
to the log under that id), and readiness details are for internal callers only."""

import logging
import secrets

import httpx
from fastapi import FastAPI

from tenderflow_common.correlation import HEADER, CorrelationMiddleware
from tenderflow_common.health import health_router
from tenderflow_common.internal_tokens import InternalTokenSigner, InternalTokenVerifier
from tenderflow_common.problems import Problem, install_problem_handlers

SQL_ERROR = "(asyncpg.UniqueViolationError) [SQL: INSERT INTO outbox (id) VALUES ($1)] at db.internal:5432"
KEY = secrets.token_urlsafe(48)


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(SQL_ERROR)

    @app.get("/missing")
    async def missing() -> None:
        raise Problem(404, "Job not found", kind="job-not-found")

    async def database_down() -> None:
        raise ConnectionError("could not connect to db.internal:5432")

    app.include_router(health_router({"database": database_down}, InternalTokenVerifier(KEY, "jobs", ["gateway"])))
    app.add_middleware(CorrelationMiddleware)
    return app


def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://service")


async def test_an_unexpected_error_shows_a_code_and_a_correlation_id_and_logs_the_text(caplog):
    with caplog.at_level(logging.ERROR):
        async with _client() as client:
            response = await client.get("/boom")
    assert response.status_code == 500
    problem = response.json()
    assert problem["code"] == "internal_error"
    assert len(problem["correlation_id"]) >= 8
    assert not any(part in response.text for part in ("SQL", "INSERT", "asyncpg", "db.internal", "RuntimeError"))
    [logged] = [record for record in caplog.records if record.exc_info]
    assert SQL_ERROR in str(logged.exc_info[1])
    assert logged.correlation_id == problem["correlation_id"]


async def test_every_problem_carries_the_correlation_id_a_caller_sent():
    async with _client() as client:
        response = await client.get("/missing", headers={HEADER: "upload-7f3a9c21"})
    assert response.status_code == 404
    assert response.json()["correlation_id"] == "upload-7f3a9c21" == response.headers[HEADER]


async def test_a_correlation_id_that_does_not_look_like_one_is_replaced():
    async with _client() as client:
        response = await client.get("/missing", headers={HEADER: "x <script>alert(1)</script>"})
    assert response.json()["correlation_id"] != "x <script>alert(1)</script>"


async def test_readiness_details_only_for_internal_callers():
    token = InternalTokenSigner(KEY, "gateway").sign("jobs", {"read"})
    async with _client() as client:
        anonymous = await client.get("/health/ready")
        forged = await client.get("/health/ready", headers={"Authorization": "Bearer not-a-token"})
        internal = await client.get("/health/ready", headers={"Authorization": f"Bearer {token}"})
    assert anonymous.status_code == forged.status_code == internal.status_code == 503
    assert anonymous.json() == forged.json() == {"status": "unavailable"}
    assert "db.internal:5432" in internal.json()["checks"]["database"]
