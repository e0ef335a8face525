"""One service's runtime: database, outbox relay, Kafka consumer and HTTP app, started and stopped together."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from tenderflow_common import heap, metrics
from tenderflow_common.backlog_metrics import lag_sampler, outbox_sampler
from tenderflow_common.broker import KafkaTransport
from tenderflow_common.consumer import MessageConsumer, PollFold, Route, subscribed_topics
from tenderflow_common.correlation import CorrelationMiddleware
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.endpoints import Database
from tenderflow_common.health import Check, database_check, health_router, kafka_check
from tenderflow_common.housekeeping import MessagingHousekeeping
from tenderflow_common.internal_tokens import SERVICES, InternalTokenVerifier
from tenderflow_common.logging import configure_logging
from tenderflow_common.message_tracing import sending
from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.migrations import at_head, upgrade_to_head
from tenderflow_common.problems import install_problem_handlers
from tenderflow_common.relay import OutboxRelay, Publish
from tenderflow_common.settings import ServiceSettings
from tenderflow_common.telemetry import configure_tracing
from tenderflow_common.transport import POLL_MAX_RECORDS, Transport
from tenderflow_common.unit_of_work import transactions

log = logging.getLogger(__name__)

Loop = Callable[[], Awaitable[None]]
"""A background loop that runs for the life of the service (a worker's `run`)."""
Peers = dict[str, httpx.AsyncBaseTransport]
"""How to reach other services' internal APIs in process (embedded mode); absent peers are reached over HTTP."""


class SchemaNotAtHead(RuntimeError):
    """A production service does not migrate: that is the deployment's step, run as the schema's owner."""


class ServiceRuntime:
    """Everything a service's handlers and endpoints share, built in one place and passed explicitly."""

    def __init__(self, name: str, settings: ServiceSettings, tables: MessagingTables, migrations: Path,
                 *, transport: Transport | None = None) -> None:
        self.name = name
        self.settings = settings
        self.tables = tables
        self.migrations = migrations
        self.database_url = settings.resolved_database_url(name)
        self.engine = create_engine(self.database_url)
        self.sessions = session_factory(self.engine)
        self.transport = transport or KafkaTransport.from_settings(settings.kafka, client_id=f"tenderflow-{name}")
        self.publish = self.publisher(settings.kafka.topic_prefix)
        self.relay = OutboxRelay(self.sessions, tables, self.publish)
        self.housekeeping = MessagingHousekeeping(self.sessions, tables, settings.messaging)
        self.transaction = transactions(self.sessions, tables, self.relay.wake)
        self.database = Database(self.sessions, self.transaction)
        self.consumer: MessageConsumer | None = None
        self.checks: dict[str, Check] = {"database": database_check(self.engine),
                                         "kafka": kafka_check(self.transport)}
        self.samplers: list[metrics.Sampler] = [lag_sampler(self.transport),
                                                outbox_sampler(name, self.sessions, tables.outbox)]
        self._tasks: list[asyncio.Task] = []

    def publisher(self, topic_prefix: str = "") -> Publish:
        """Send raw records, counted; a prefix keeps isolated deployments (and test runs) apart."""

        async def publish(topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
            try:
                with sending(topic_prefix + topic, key, headers) as traced_headers:
                    await self.transport.publish(topic_prefix + topic, key, value, traced_headers)
            except Exception:
                metrics.count_published(topic, "failed")
                raise
            metrics.count_published(topic, "published")

        return publish

    def consume(self, routes: list[Route], *, max_records: int = POLL_MAX_RECORDS,
                fold_poll: PollFold | None = None) -> MessageConsumer:
        """Subscribe this service's consumer group to the topics its routed messages travel on, `max_records` at
        most in one poll (`fold_poll` as `MessageConsumer` takes it)."""
        topics = subscribed_topics(routes)
        kafka = self.settings.kafka
        self.consumer = MessageConsumer(
            f"tenderflow-{self.name}", self.sessions, self.tables, routes, self.publisher(),
            attempts=kafka.handler_attempts, backoff_seconds=kafka.retry_backoff_seconds, on_commit=self.relay.wake,
            fold_poll=fold_poll,
        )
        self.transport.subscribe([kafka.topic_prefix + topic for topic in topics],
                                 f"{kafka.topic_prefix}tenderflow-{self.name}", self.consumer.consume_batch,
                                 max_records)
        return self.consumer

    def spawn(self, coroutine: Awaitable[None], name: str) -> asyncio.Task:
        """Run a background loop for the life of the service; it is cancelled on stop."""
        task = asyncio.create_task(coroutine, name=f"{self.name}:{name}")
        self._tasks.append(task)
        return task

    async def ensure_schema(self) -> None:
        """Start only on the newest schema; outside production a database behind is migrated with the own URL."""
        if await at_head(self.migrations, self.database_url):
            return
        if self.settings.platform.env == "production":
            raise SchemaNotAtHead(
                f"{self.name}: the database is not at the newest schema; run `python -m tenderflow_{self.name} "
                f"migrate` with TENDERFLOW_{self.name.upper()}_MIGRATION_DATABASE_URL (the schema's owner) first")
        await upgrade_to_head(self.migrations, self.database_url)

    async def start(self, background: Sequence[Loop] = (), *, migrate: bool = True) -> None:
        """Check or bring the schema to head, connect to Kafka, then start the relay, consumers and loops."""
        if migrate:
            await self.ensure_schema()
        heap.settle()
        await self.transport.start()
        self.spawn(self.relay.run(), "outbox-relay")
        self.spawn(self.housekeeping.run(), "messaging-housekeeping")
        metrics.samplers.update(self.samplers)
        for loop in background:
            self.spawn(loop(), getattr(loop, "__qualname__", "background"))
        log.info("service started", extra={"port": self.settings.port})

    async def stop(self) -> None:
        """Stop loops first so nothing publishes into a closed transport."""
        metrics.samplers.difference_update(self.samplers)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self.transport.stop()
        await self.engine.dispose()


Hook = Callable[[], Awaitable[None]]


@dataclass
class Service:
    """A built service, the same shape for all five: its runtime, its HTTP app, and what runs and stops with them.

    Served, the app's lifespan starts and stops it; embedded mode starts and stops it by hand."""

    runtime: ServiceRuntime
    app: FastAPI = field(init=False)
    background: Sequence[Loop] = ()
    on_stop: Sequence[Hook] = ()

    async def start(self) -> None:
        await self.runtime.start(self.background)

    async def stop(self) -> None:
        for hook in self.on_stop:
            await hook()
        await self.runtime.stop()


def create_service(runtime: ServiceRuntime, routers: list[APIRouter], *, title: str, description: str,
                   background: Sequence[Loop] = (), on_stop: Sequence[Hook] = (),
                   untraced: Sequence[str] = ()) -> Service:
    """The service with its FastAPI app: its routers, health, metrics, problem+json errors and lifecycle.

    `untraced` adds URL patterns (regular expressions) that get no spans, besides health checks and metrics."""
    settings = runtime.settings
    service = Service(runtime, background, on_stop)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    configure_logging(runtime.name, settings.platform.log_level)
    configure_tracing(runtime.name, settings.platform.otel_exporter_otlp_endpoint)
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(runtime.checks, InternalTokenVerifier(settings.platform.signing_key,
                                                                           runtime.name, callers=SERVICES)))
    app.include_router(metrics.router)
    FastAPIInstrumentor.instrument_app(app, excluded_urls=",".join(("health/.*", "metrics", *untraced)))
    app.add_middleware(metrics.RequestMetrics, service=runtime.name)
    app.add_middleware(CorrelationMiddleware)
    service.app = app
    return service
