"""Liveness and readiness endpoints; readiness runs each real dependency check."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Check = Callable[[], Awaitable[None]]


def health_router(checks: dict[str, Check], timeout_seconds: float = 3.0) -> APIRouter:
    """`/health/live` says the process runs; `/health/ready` says its dependencies answer."""
    router = APIRouter(prefix="/health", tags=["health"])

    @router.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/ready")
    async def ready() -> JSONResponse:
        results = await asyncio.gather(*(_run(check, timeout_seconds) for check in checks.values()))
        report = dict(zip(checks, results, strict=True))
        healthy = all(result == "ok" for result in results)
        return JSONResponse({"status": "ok" if healthy else "unavailable", "checks": report},
                            status_code=200 if healthy else 503)

    return router


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
