"""A client for the /v1 API: a remote gateway, or the embedded system started in this process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import typer

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_cli.errors import CliError, one_line
from tenderflow_cli.local_model import apply_local_model_env

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


@asynccontextmanager
async def gateway_client(gateway: str | None, api_key: str | None, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """Talk to `gateway` with `api_key`, or run everything in process when no gateway is named (with the local
    model server of `make llm-up` when its `.run/llm.env` is here: see `local_model`)."""
    if gateway:
        if not api_key:
            raise typer.BadParameter("--api-key (or TENDERFLOW_API_KEY) is needed with --gateway")
        if not gateway.startswith(("http://", "https://")):
            raise typer.BadParameter(f"--gateway must be an http:// or https:// URL, not {gateway!r}")
        async with remote_client(gateway, api_key) as client:
            yield client
        return
    apply_local_model_env()
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


@asynccontextmanager
async def remote_client(gateway: str, api_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the gateway at `gateway` that turns what the user can fix (an unreachable gateway, a refused
    key) and what they can only retry (a 5xx) into a `CliError` saying so."""

    async def check(response: httpx.Response) -> None:
        if response.status_code in (401, 403):
            await response.aread()
            raise CliError(f"the gateway at {gateway} refused the API key ({status_text(response)}); check the key "
                           "(--api-key or TENDERFLOW_API_KEY), or create one with `tenderflow keys create --tenant "
                           "NAME`")
        if response.status_code >= 500:
            await response.aread()
            raise CliError(f"the gateway at {gateway} failed ({status_text(response)}) on {response.request.method} "
                           f"{response.request.url.path}; try again, and if it keeps failing read the gateway's log "
                           "(.run/logs/gateway.log under `make stack-up`)")

    try:
        async with httpx.AsyncClient(base_url=gateway, headers={"X-API-Key": api_key}, timeout=TIMEOUT,
                                     event_hooks={"response": [check]}) as client:
            yield client
    except httpx.TransportError as error:
        raise CliError(f"cannot reach the gateway at {gateway} ({one_line(error)}); is `make stack-up` running, "
                       "and is the URL right?") from error


def status_text(response: httpx.Response) -> str:
    """The status code with the problem's title and detail (`401 Invalid API key: ...`), or its reason phrase."""
    return f"{response.status_code} {_problem(response) or response.reason_phrase}".rstrip()


def problem_text(response: httpx.Response) -> str:
    """One line from a problem+json answer."""
    return _problem(response) or f"HTTP {response.status_code}"


def _problem(response: httpx.Response) -> str | None:
    try:
        body = response.json()
        text = f"{body.get('title', response.reason_phrase)}: {body.get('detail') or ''}".rstrip(": ")
    except (ValueError, AttributeError):
        return None
    return " ".join(text.split())
