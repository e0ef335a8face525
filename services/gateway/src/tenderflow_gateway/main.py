"""Composition root of the gateway; nothing runs at import."""

from pathlib import Path

import redis.asyncio as redis

from tenderflow_common.health import redis_check
from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.problems import problem_response
from tenderflow_common.service import Peers, Service, ServiceRuntime, create_service
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_gateway import api
from tenderflow_gateway.auth import tenant_dependency
from tenderflow_gateway.clients import Clients
from tenderflow_gateway.models import messaging
from tenderflow_gateway.models_offered import OfferedProviders
from tenderflow_gateway.question_sets_api import question_sets_router
from tenderflow_gateway.rate_limits import TenantRateLimiter, rate_limit_storage
from tenderflow_gateway.settings import GatewaySettings

MIGRATIONS = Path(__file__).parent / "migrations"
DESCRIPTION = """Upload tender packages, follow their jobs, and fetch cited answers with confidence.

Authenticate every request with an `X-API-Key` header. Errors are RFC 9457 problem details."""


def build_service(settings: GatewaySettings | None = None, transport: Transport | None = None,
                  peers: Peers | None = None) -> Service:
    """The public HTTP API: it publishes commands through its outbox, reads the other services, consumes nothing."""
    runtime = ServiceRuntime("gateway", settings or GatewaySettings(), messaging, MIGRATIONS, transport=transport)
    settings = runtime.settings
    store = open_store(settings.storage)
    clients = Clients.from_settings(settings, peers)
    cache = redis.from_url(settings.redis.url) if settings.redis.url else None
    if cache is not None:
        runtime.checks["redis"] = redis_check(cache)

    async def close_clients() -> None:
        await clients.aclose()
        if cache is not None:
            await cache.aclose()

    limiter = TenantRateLimiter(rate_limit_storage(settings.redis.url), settings.rate_limit_per_minute)
    authenticate = tenant_dependency(runtime.database, limiter)
    routers = [api.public_router(runtime.database, store, clients, authenticate,
                                 max_upload_bytes=settings.max_upload_bytes,
                                 offered=OfferedProviders(clients.questions)),
               question_sets_router(clients, authenticate)]
    service = create_service(runtime, routers, title="Tenderflow", description=DESCRIPTION, on_stop=[close_clients])

    @service.app.exception_handler(ServiceUnavailable)
    async def _unavailable(request, error: ServiceUnavailable):
        return problem_response(request, 503, "Service temporarily unavailable", str(error),
                                kind="service-unavailable", headers={"Retry-After": "5"})

    return service
