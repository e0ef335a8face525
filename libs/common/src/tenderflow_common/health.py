"""Liveness and readiness endpoints; readiness runs each real dependency check."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tenderflow_common.internal_tokens import InternalTokenVerifier, InvalidInternalToken, bearer_token

Check = Callable[[], Awaitable[None]]
log = logging.getLogger(__name__)


def health_router(checks: dict[str, Check], verifier: InternalTokenVerifier,
                  timeout_seconds: float = 3.0) -> APIRouter:
    """`/health/live` says the process runs; `/health/ready` says its dependencies answer.

    Which check failed and why (host names, ports) is told only to a caller with an internal token; probes and
    anyone reaching it through an ingress get the status alone."""
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready")
    async def ready(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
        results = await asyncio.gather(*(_run(check, timeout_seconds) for check in checks.values()))
        report = dict(zip(checks, results, strict=True))
        healthy = all(result == "ok" for result in results)
        if not healthy:
            log.warning("not ready", extra={"checks": report})
        body: dict = {"status": "ok" if healthy else "unavailable"}
        if _internal(verifier, authorization):
            body["checks"] = report
        return JSONResponse(body, status_code=200 if healthy else 503)

    return router


def _internal(verifier: InternalTokenVerifier, authorization: str | None) -> bool:
    token = bearer_token(authorization)
    if token is None:
        return False
    try:
        verifier.verify(token)
    except InvalidInternalToken:
        return False
    return True


async def _run(check: Check, timeout_seconds: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout_seconds)
    except Exception as error:
        return f"failed: {type(error).__name__}: {error}"[:300]
    return "ok"


def database_check(engine: AsyncEngine) -> Check:
    """The service's own database answers a query."""

    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def kafka_check(transport) -> Check:
    """The message transport answers (for Kafka: a metadata round trip)."""

    async def check() -> None:
        if not await transport.ping():
            raise ConnectionError("Kafka did not answer")

    return check


def redis_check(client) -> Check:
    """Redis answers PING."""

    async def check() -> None:
        await client.ping()

    return check
