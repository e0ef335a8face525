"""At-least-once consumption: drop duplicates, handle in one transaction, dead-letter the unhandleable."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, retry_if_not_exception_type, stop_after_attempt, wait_exponential

from tenderflow_common import context, metrics, topics
from tenderflow_common.envelope import Envelope
from tenderflow_common.messages import Message
from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.relay import Publish
from tenderflow_common.telemetry import continued_trace
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[None]]
"""`handler(message, envelope, uow)`, or `handler(message, envelope, uow, prepared)` for a route that prepares."""
Prepare = Callable[[Message, Envelope], Awaitable[Any]]
GiveUp = Callable[[Message, Envelope, UnitOfWork, str], Awaitable[None]]
Admit = Callable[[Record, Envelope], None]


GAVE_UP = "it could not be handled after several attempts and was set aside for an operator"


class Unprocessable(Exception):
    """A message that can never succeed (e.g. it points outside its tenant); dead-lettered without retries."""


@dataclass(frozen=True)
class Route:
    """Which handler takes which message class.

    `prepare` does a handler's remote I/O (reading storage) before its transaction opens, so no transaction is held
    open across it; its result is the handler's fourth argument. `on_give_up` runs, in a transaction of its own,
    when the message is dead-lettered, so the job it belongs to ends with a reason instead of waiting for ever.
    `admit` checks the record as it arrived (its exact bytes and headers, e.g. a producer's signature) before
    anything else; raising Unprocessable dead-letters it.
    """

    message: type[Message]
    handler: Handler
    prepare: Prepare | None = None
    on_give_up: GiveUp | None = None
    admit: Admit | None = None


def subscribed_topics(routes: list[Route]) -> list[str]:
    """The topics a consumer reads: those its routed messages travel on, and no others."""
    return sorted({route.message.topic for route in routes})


class MessageConsumer:
    """Runs routed handlers once per message id, however often Kafka delivers it."""

    def __init__(
        self,
        name: str,
        sessions: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        routes: list[Route],
        dead_letter: Publish,
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self._sessions = sessions
        self._tables = tables
        self.routes = {route.message.message_type: route for route in routes}
        self._dead_letter = dead_letter
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._on_commit = on_commit

    def unit_of_work(self) -> UnitOfWork:
        """A fresh transaction that wakes the relay when it commits messages."""
        return UnitOfWork(self._sessions, self._tables, self._on_commit)

    async def consume(self, record: Record) -> None:
        """Handle one record; returns normally once it is handled, skipped or dead-lettered."""
        try:
            envelope = Envelope.model_validate_json(record.value)
        except ValidationError as error:
            await self._send_to_dead_letters(record, f"malformed envelope: {_first_error(error)}")
            return
        route = self.routes.get(envelope.type)
        if route is None:
            return
        try:
            payload = route.message.model_validate(envelope.data)
        except ValidationError as error:
            reason = f"invalid {envelope.type} payload: {_first_error(error)}"
            await self._send_to_dead_letters(record, reason)
            return
        if route.admit is not None:
            try:
                route.admit(record, envelope)
            except Unprocessable as error:
                await self._send_to_dead_letters(record, f"unprocessable {envelope.type}: {error}")
                metrics.messages_consumed.labels(self.name, envelope.type, "dead_lettered").inc()
                return
        with (context.job_context(envelope.correlationid, envelope.tenantid, envelope.jobid),
              continued_trace(record.headers, f"{self.name} handle {envelope.type}", job_id=envelope.jobid)):
            await self._handle_with_retries(record, envelope, payload, route)

    async def _handle_with_retries(self, record: Record, envelope: Envelope, payload: Message, route: Route) -> None:
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._attempts),
                wait=wait_exponential(multiplier=self._backoff, max=10),
                retry=retry_if_not_exception_type(Unprocessable),
                reraise=True,
            ):
                with attempt:
                    outcome = await self._handle_once(envelope, payload, route)
        except Unprocessable as error:
            await self._send_to_dead_letters(record, f"unprocessable {envelope.type}: {error}")
            await self._give_up(envelope, payload, route, str(error))
            metrics.messages_consumed.labels(self.name, envelope.type, "dead_lettered").inc()
            return
        except Exception as error:
            log.exception("handler failed after %d attempts", self._attempts, extra={"type": envelope.type})
            await self._send_to_dead_letters(record, f"{type(error).__name__}: {error}")
            await self._give_up(envelope, payload, route, GAVE_UP)
            metrics.messages_consumed.labels(self.name, envelope.type, "dead_lettered").inc()
            return
        metrics.messages_consumed.labels(self.name, envelope.type, outcome).inc()

    async def _handle_once(self, envelope: Envelope, payload: Message, route: Route) -> str:
        processed = self._tables.processed
        prepared: tuple[Any, ...] = ()
        if route.prepare is not None:
            if await self._already_processed(envelope.id):
                return "duplicate"
            prepared = (await route.prepare(payload, envelope),)
        async with self.unit_of_work() as uow:
            seen = await uow.session.scalar(
                select(processed.c.message_id).where(
                    processed.c.consumer == self.name, processed.c.message_id == envelope.id
                )
            )
            if seen is not None:
                return "duplicate"
            await uow.session.execute(insert(processed).values(consumer=self.name, message_id=envelope.id))
            await route.handler(payload, envelope, uow, *prepared)
            try:
                await uow.commit()
            except IntegrityError:
                if await self._already_processed(envelope.id):
                    return "duplicate"
                raise
        return "handled"

    async def _give_up(self, envelope: Envelope, payload: Message, route: Route, reason: str) -> None:
        """Record the failure the route declares for a dead-lettered message, once, beside its processed mark."""
        if route.on_give_up is None:
            return
        try:
            async with self.unit_of_work() as uow:
                await uow.session.execute(insert(self._tables.processed).values(consumer=self.name,
                                                                                message_id=envelope.id))
                await route.on_give_up(payload, envelope, uow, reason)
                await uow.commit()
        except Exception:
            log.exception("could not record the failure of a dead-lettered message", extra={"type": envelope.type})

    async def _already_processed(self, message_id: str) -> bool:
        processed = self._tables.processed
        async with self._sessions() as session:
            found = await session.scalar(
                select(processed.c.message_id).where(
                    processed.c.consumer == self.name, processed.c.message_id == message_id
                )
            )
        return found is not None

    async def _send_to_dead_letters(self, record: Record, reason: str) -> None:
        log.warning("dead-lettering message from %s: %s", record.topic, reason)
        headers = {
            "x-dead-letter-reason": reason[:1000],
            "x-original-topic": record.topic,
            "x-original-partition": str(record.partition),
            "x-original-offset": str(record.offset),
            "x-consumer": self.name,
        }
        key = record.key.decode(errors="replace") if record.key else ""
        await self._dead_letter(topics.dead_letters(record.topic), key, record.value, headers)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "message"
    return f"{where}: {first.get('msg', 'invalid')}"
