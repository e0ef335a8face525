"""A client for the /v1 API: a remote gateway, or the embedded system started in this process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import typer

from tenderflow_cli.embedded import EmbeddedSystem

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@asynccontextmanager
async def gateway_client(gateway: str | None, api_key: str | None, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """Talk to `gateway` with `api_key`, or run everything in process when no gateway is named."""
    if gateway:
        if not api_key:
            raise typer.BadParameter("--api-key (or TENDERFLOW_API_KEY) is needed with --gateway")
        async with httpx.AsyncClient(base_url=gateway, headers={"X-API-Key": api_key}, timeout=TIMEOUT) as client:
            yield client
        return
    system = EmbeddedSystem(data_dir).build()
    await system.start()
    try:
        key, _ = await system.dev_api_key()
        transport = httpx.ASGITransport(app=system.gateway)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded", headers={"X-API-Key": key},
                                     timeout=TIMEOUT) as client:
            yield client
    finally:
        await system.stop()


def problem_text(response: httpx.Response) -> str:
    """One line from a problem+json answer."""
    try:
        body = response.json()
        return f"{body.get('title', response.reason_phrase)}: {body.get('detail', '')}".rstrip(": ")
    except ValueError:
        return f"HTTP {response.status_code}"
