"""Calls to another service's internal API: short timeouts, retries only for idempotent reads, a circuit breaker."""

from typing import Any

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from tenderflow_common import context
from tenderflow_common.correlation import HEADER as CORRELATION_HEADER
from tenderflow_common.internal_tokens import READ, WRITE, InternalTokenSigner
from tenderflow_common.telemetry import current_trace_headers

TRANSIENT = (httpx.TransportError, httpx.TimeoutException)


class ServiceUnavailable(Exception):
    """The other service did not answer, or its circuit is open."""


class InternalClient:
    """One client per target service; trace context and a freshly signed token ride on every request.

    A `tenant_id` keyword names the tenant the call acts for: it goes into the token, not the query, since the
    called service believes only the token."""

    def __init__(self, name: str, base_url: str, signer: InternalTokenSigner, timeout_seconds: float = 5.0,
                 *, breaker_threshold: int = 5, breaker_ttl_seconds: float = 15.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self._signer = signer
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport)
        self._breakers = AsyncCircuitBreakerFactory(default_threshold=breaker_threshold,
                                                    default_ttl=breaker_ttl_seconds)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """An idempotent read, retried on transport errors."""
        return await self._retried("GET", path, READ, params=params)

    async def post(self, path: str, json: Any, *, idempotent: bool = False, **params: Any) -> httpx.Response:
        """One attempt unless the caller knows the POST is a query that is safe to repeat."""
        if idempotent:
            return await self._retried("POST", path, READ, json=json, params=params)
        return await self._send("POST", path, WRITE, json=json, params=params)

    async def put(self, path: str, json: Any, **params: Any) -> httpx.Response:
        """PUT replaces a resource, so repeating it is safe."""
        return await self._retried("PUT", path, WRITE, json=json, params=params)

    async def patch(self, path: str, json: Any, **params: Any) -> httpx.Response:
        """A merge patch sets values, so repeating it is safe."""
        return await self._retried("PATCH", path, WRITE, json=json, params=params)

    async def delete(self, path: str, **params: Any) -> httpx.Response:
        """DELETE is idempotent, so it is retried like a read."""
        return await self._retried("DELETE", path, WRITE, params=params)

    async def _retried(self, method: str, path: str, scope: str, **kwargs: Any) -> httpx.Response:
        async for attempt in AsyncRetrying(stop=stop_after_attempt(3), wait=wait_exponential(0.1, max=1),
                                           retry=retry_if_exception_type(ServiceUnavailable), reraise=True):
            with attempt:
                return await self._send(method, path, scope, **kwargs)
        raise AssertionError("unreachable")

    async def _send(self, method: str, path: str, scope: str, *, params: dict[str, Any],
                    **kwargs: Any) -> httpx.Response:
        params = dict(params)
        # Signed per attempt, so a retry never carries a token that expired while the previous attempt waited.
        token = self._signer.sign(self.name, {scope}, params.pop("tenant_id", None))
        headers = {**current_trace_headers(), "Authorization": f"Bearer {token}"}
        if correlation := context.correlation_id.get():
            headers[CORRELATION_HEADER] = correlation
        try:
            breaker = await self._breakers.get_breaker(self.name)
            async with breaker:
                response = await self._http.request(method, path, headers=headers, params=params, **kwargs)
                if response.status_code >= 500:
                    raise ServiceUnavailable(f"{self.name} answered {response.status_code}")
                return response
        except OpenedState as error:
            raise ServiceUnavailable(f"{self.name} circuit is open") from error
        except TRANSIENT as error:
            raise ServiceUnavailable(f"{self.name} unreachable: {type(error).__name__}") from error

    async def aclose(self) -> None:
        await self._http.aclose()
