"""Calls to another service's internal API: short timeouts, retries only for idempotent reads, a circuit breaker."""

from typing import Any

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tenderflow_common.internal_auth import INTERNAL_TOKEN_HEADER
from tenderflow_common.telemetry import current_trace_headers

TRANSIENT = (httpx.TransportError, httpx.TimeoutException)


class ServiceUnavailable(Exception):
    """The other service did not answer, or its circuit is open."""


class InternalClient:
    """One client per target service; trace context and the internal token ride on every request."""

    def __init__(self, name: str, base_url: str, token: str, timeout_seconds: float = 5.0,
                 *, breaker_threshold: int = 5, breaker_ttl_seconds: float = 15.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport,
                                       headers={INTERNAL_TOKEN_HEADER: token})
        self._breakers = AsyncCircuitBreakerFactory(default_threshold=breaker_threshold,
                                                    default_ttl=breaker_ttl_seconds)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """An idempotent read, retried on transport errors."""
        return await self._retried("GET", path, params=params)

    async def post(self, path: str, json: Any, *, idempotent: bool = False, **params: Any) -> httpx.Response:
        """One attempt unless the caller knows the POST is a query that is safe to repeat."""
        if idempotent:
            return await self._retried("POST", path, json=json, params=params)
        return await self._send("POST", path, json=json, params=params)

    async def put(self, path: str, json: Any, **params: Any) -> httpx.Response:
        """PUT replaces a resource, so repeating it is safe."""
        return await self._retried("PUT", path, json=json, params=params)

    async def delete(self, path: str, **params: Any) -> httpx.Response:
        """DELETE is idempotent, so it is retried like a read."""
        return await self._retried("DELETE", path, params=params)

    async def _retried(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async for attempt in AsyncRetrying(stop=stop_after_attempt(3), wait=wait_exponential(0.1, max=1),
                                           retry=retry_if_exception_type(ServiceUnavailable), reraise=True):
            with attempt:
                return await self._send(method, path, **kwargs)
        raise AssertionError("unreachable")

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            breaker = await self._breakers.get_breaker(self.name)
            async with breaker:
                response = await self._http.request(method, path, headers=current_trace_headers(), **kwargs)
                if response.status_code >= 500:
                    raise ServiceUnavailable(f"{self.name} answered {response.status_code}")
                return response
        except OpenedState as error:
            raise ServiceUnavailable(f"{self.name} circuit is open") from error
        except TRANSIENT as error:
            raise ServiceUnavailable(f"{self.name} unreachable: {type(error).__name__}") from error

    async def aclose(self) -> None:
        await self._http.aclose()
