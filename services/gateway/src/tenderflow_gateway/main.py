"""Composition root of the gateway; nothing runs at import."""

import logging
from pathlib import Path

import redis.asyncio as redis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from tenderflow_common.health import redis_check
from tenderflow_common.internal_client import ServiceUnavailable
from tenderflow_common.problems import problem_response
from tenderflow_common.service import Peers, Service, ServiceRuntime, create_service
from tenderflow_common.storage import open_store
from tenderflow_common.transport import Transport
from tenderflow_gateway import api
from tenderflow_gateway.allowed_methods import install_allowed_methods
from tenderflow_gateway.auth import Authenticator, tenant_dependency
from tenderflow_gateway.auth_api import auth_router
from tenderflow_gateway.clients import Clients
from tenderflow_gateway.docs_pages import serve_docs
from tenderflow_gateway.hidden_paths import HiddenPaths
from tenderflow_gateway.job_changes import JobChanges
from tenderflow_gateway.job_events import CurrentViews, JobEventStreams, job_events_router
from tenderflow_gateway.job_polls import JobPoll
from tenderflow_gateway.key_cache import KeyCache
from tenderflow_gateway.models import messaging
from tenderflow_gateway.models_offered import OfferedProviders
from tenderflow_gateway.openapi import install_openapi
from tenderflow_gateway.poll_traces import POLL_PATH, JobTraces, PollTraces
from tenderflow_gateway.question_sets_api import question_sets_router
from tenderflow_gateway.rate_limits import FailedAuthLimiter, RequestWeights, TenantRateLimiter, rate_limit_storage
from tenderflow_gateway.runs_api import runs_router
from tenderflow_gateway.security_headers import SecurityHeaders
from tenderflow_gateway.settings import GatewaySettings
from tenderflow_gateway.stream_slots import StreamSlots
from tenderflow_gateway.submission_sweep import SubmissionSweep
from tenderflow_gateway.tokens import IdentityProvider, TokenKeys, TokenPolicy, TokenVerifier
from tenderflow_gateway.workspaces_api import workspaces_router

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
DESCRIPTION = """Upload tender packages, follow their jobs, and fetch cited answers with confidence.

Authenticate every request with an `X-API-Key` header, or with `Authorization: Bearer <token>` carrying an access
token from `POST /v1/auth/token` (or from the configured identity provider). Reading needs the `read` scope,
changing anything `write`, creating tenants and keys `admin`. Errors are RFC 9457 problem details."""
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")


def token_verifier(settings: GatewaySettings) -> TokenVerifier:
    """The gateway's own signing keys, and the identity provider's JWKS when one is configured."""
    own = TokenKeys({kid: secret.get_secret_value() for kid, secret in settings.token_signing_keys.items()},
                    settings.token_active_kid,
                    TokenPolicy(settings.token_issuer, settings.token_audience, settings.token_leeway_seconds),
                    settings.token_ttl_seconds)
    provider = None
    if settings.idp_jwks_url:
        provider = IdentityProvider(settings.idp_jwks_url, list(settings.idp_algorithms),
                                    TokenPolicy(settings.idp_issuer, settings.idp_audience,
                                                settings.token_leeway_seconds),
                                    settings.idp_tenant_claim)
    return TokenVerifier(own, provider)


def harden(app: FastAPI, settings: GatewaySettings) -> None:
    """Security headers, the CORS allowlist, and documentation and metrics only where they are meant to be seen."""
    hidden = (DOCS_PATHS if not settings.docs_exposed else ()) + (("/metrics",) if not settings.metrics_exposed else ())
    install_openapi(app)
    if settings.docs_exposed:
        serve_docs(app, app.openapi_url, f"{app.title} API")
    install_allowed_methods(app)
    if hidden:
        app.add_middleware(HiddenPaths, paths=frozenset(hidden))
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"],
                           expose_headers=["Location", "Retry-After"], max_age=600)
    app.add_middleware(SecurityHeaders)


def job_event_streams(settings: GatewaySettings, cache: redis.Redis | None, changes: JobChanges, clients: Clients,
                      runtime: ServiceRuntime) -> JobEventStreams:
    """What the job event streams of this replica share."""
    return JobEventStreams(CurrentViews(cache, settings.kafka.topic_prefix, clients, runtime.database), changes,
                           StreamSlots(settings.events_per_tenant, settings.events_per_replica),
                           settings.events_keepalive_seconds, settings.events_reread_seconds,
                           JobTraces(runtime.database))


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

    storage = rate_limit_storage(settings.redis.url, settings.kafka.topic_prefix)

    async def close_clients() -> None:
        await clients.aclose()
        await storage.aclose()
        if cache is not None:
            await cache.aclose()

    weights = RequestWeights(settings.upload_weight, settings.run_weight, settings.write_weight)
    authenticator = Authenticator(runtime.database, TenantRateLimiter(storage, settings.rate_limit_per_minute, weights),
                                  FailedAuthLimiter(storage, settings.auth_failures_per_minute),
                                  token_verifier(settings), KeyCache(settings.key_cache_seconds))
    authenticate = tenant_dependency(authenticator)
    # The job routes come first: routes are tried in order, and a job poll is the request asked most.
    routers = [api.public_router(runtime.database, store, clients, authenticate,
                                 max_upload_bytes=settings.max_upload_bytes,
                                 offered=OfferedProviders(clients.questions),
                                 poll=JobPoll(authenticator, clients, runtime.database, settings.kafka.topic_prefix)),
               auth_router(authenticator),
               question_sets_router(clients, authenticate),
               runs_router(runtime.database, clients, authenticate, OfferedProviders(clients.questions))]
    routers.append(workspaces_router(runtime.database, clients, authenticate))
    changes = JobChanges(cache, settings.kafka.topic_prefix)
    routers.append(job_events_router(job_event_streams(settings, cache, changes, clients, runtime), authenticate))
    # A job's status is polled far more than anything else is asked, and a poll does no work of the job: only a
    # sampled few are traced, each as a short trace of its own linked to the job's.
    submissions = SubmissionSweep(runtime.sessions, settings.submission_keep_hours)
    service = create_service(runtime, routers, title="Tenderflow", description=DESCRIPTION, on_stop=[close_clients],
                             untraced=[POLL_PATH], background=[changes.run, submissions.run])
    harden(service.app, settings)
    service.app.add_middleware(PollTraces, ratio=settings.poll_trace_ratio)

    @service.app.exception_handler(ServiceUnavailable)
    async def _unavailable(request, error: ServiceUnavailable):
        # Which service failed, and how, is for the logs (under the correlation id), not for the tenant.
        log.warning("a service the gateway needs is unavailable: %s", error)
        return problem_response(request, 503, "Service temporarily unavailable",
                                "Part of Tenderflow is not answering; try again shortly.",
                                kind="service-unavailable", headers={"Retry-After": "5"})

    return service
