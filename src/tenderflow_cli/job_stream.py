"""A job followed through the gateway's event stream (`GET /v1/jobs/{id}/events`) instead of by polling."""

import asyncio
from collections.abc import Callable

import httpx
from httpx_sse import SSEError, aconnect_sse

from tenderflow_cli.errors import CliError

# A dropped stream is opened again with the last event's id; this many drops in a row without an event, and the
# caller polls instead.
MAX_RECONNECTS = 5
RECONNECT_SECONDS = 1.0


async def streamed(client: httpx.AsyncClient, job_url: str, show: Callable[[dict], None]) -> dict | None:
    """Show each job event until the `end` event, and return that finished job; None when the stream cannot be
    followed (a gateway without the route, a refusal, a job gone while followed), so the caller polls instead."""
    last_id: str | None = None
    failures = 0
    while failures <= MAX_RECONNECTS:
        headers = {"Last-Event-ID": last_id} if last_id else {}
        try:
            async with aconnect_sse(client, "GET", f"{job_url}/events", headers=headers) as source:
                if source.response.status_code != 200:
                    return None
                async for event in source.aiter_sse():
                    if not event.data:
                        continue  # a keep-alive comment
                    if event.event == "gone":
                        return None
                    job, last_id, failures = event.json(), event.id or last_id, 0
                    show(job)
                    if event.event == "end":
                        return job
        except CliError:
            return None  # a refusal or a 5xx: polling says what is wrong, if it still is
        except (httpx.TransportError, SSEError):
            pass
        # The connection dropped, or the stream closed before the job ended: open it again where it stopped.
        failures += 1
        await asyncio.sleep(RECONNECT_SECONDS)
    return None
