"""At-least-once consumption: drop duplicates, handle in one transaction, dead-letter the unhandleable."""

import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import String, bindparam, func, insert, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    retry_if_not_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from tenderflow_common import context, failures, heap, metrics, topics
from tenderflow_common.envelope import Envelope, one_pass_decoder
from tenderflow_common.message_tracing import processing, processing_batch
from tenderflow_common.messages import Message
from tenderflow_common.messaging_tables import MessagingTables
from tenderflow_common.relay import Publish
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import UnitOfWork, insert_unless_present
from tenderflow_common.work import interrupted

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[set[str] | None]]
"""`handler(message, envelope, uow)`, or `handler(message, envelope, uow, prepared)` for a route that prepares.

A handler of a folding consumer keeps the ids it handled itself, and returns those it had handled before, so they
are counted as duplicates; any other returns None."""
Prepare = Callable[[Message, Envelope], Awaitable[Any]]
GiveUp = Callable[[Message, Envelope, UnitOfWork, str], Awaitable[None]]
Admit = Callable[[Record, Envelope], None]
PollFold = Callable[[Iterable[tuple[Message, Envelope]], frozenset[str], UnitOfWork], Awaitable[list[Envelope]]]
"""`fold_poll(messages, keys, uow)`: a poll's messages in delivery order, each decoded as it is reached and dropped
once folded, applied in one transaction. `keys` are the poll's record keys (producers key a job's messages by its
id), so the state they name can be read in one query first. Returns the envelopes of those folded before."""


GAVE_UP = "it could not be handled after several attempts and was set aside for an operator"
# The longest wait between attempts; an outage is retried this often until the server is back.
OUTAGE_RETRY_SECONDS = 2.0


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


class Delivery(NamedTuple):
    """A record that passed its checks: its envelope, its typed payload and the route that takes it."""

    record: Record
    envelope: Envelope
    payload: Message
    route: Route


Outcomes = dict[tuple[str, str], tuple[Record, int]]
"""How many messages of a poll came to each (message type, outcome), with one of their records for its topic."""


class Refused(NamedTuple):
    """A record no route can ever handle: why, and its type when it counts as a dead-lettered message."""

    record: Record
    reason: str
    message_type: str | None = None


def subscribed_topics(routes: list[Route]) -> list[str]:
    """The topics a consumer reads: those its routed messages travel on, and no others."""
    return sorted({route.message.topic for route in routes})


class MessageConsumer:
    """Runs routed handlers once per message id, however often Kafka delivers it.

    A folding consumer (given `fold_poll`, as the jobs projection is) takes each poll through `fold_poll` and each
    message handled on its own through its route's handler; both keep the ids they folded themselves, in the same
    transaction (the projection keeps them on each job's row), so it writes no processed marks of its own."""

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
        fold_poll: PollFold | None = None,
    ) -> None:
        self.name = name
        self._fold_poll = fold_poll
        self._marks_processed = fold_poll is None
        self._sessions = sessions
        self._tables = tables
        self.routes = {route.message.message_type: route for route in routes}
        self._decode = one_pass_decoder(route.message for route in routes) if routes else None
        self._dead_letter = dead_letter
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._on_commit = on_commit

    def unit_of_work(self) -> UnitOfWork:
        """A fresh transaction that wakes the relay when it commits messages."""
        return UnitOfWork(self._sessions, self._tables, self._on_commit)

    async def consume(self, record: Record) -> None:
        """Handle one record; returns normally once it is handled, skipped or dead-lettered."""
        delivery = await self._admit(record)
        if delivery is not None:
            await self._handle(delivery)

    async def consume_batch(self, records: Sequence[Record]) -> None:
        """Handle one poll's records in one transaction with their processed marks (a folding consumer folds them
        instead), so a poll costs one commit.

        If that transaction fails, nothing of it is kept and the records are handled one by one instead: only a
        poison record is then retried and dead-lettered, and every other one is handled once."""
        with heap.young_collections_put_off(len(records)):
            if self._fold_poll is not None and len(records) > 1:
                await self._fold_together(records)
            else:
                await self._consume_poll(records)

    async def _consume_poll(self, records: Sequence[Record]) -> None:
        deliveries: list[Delivery] = []
        ids: set[str] = set()
        for record in records:
            delivery = await self._admit(record)
            if delivery is None:
                continue
            if delivery.envelope.id in ids:
                metrics.count_consumed(self.name, delivery.record, delivery.envelope.type, "duplicate")
                continue
            ids.add(delivery.envelope.id)
            deliveries.append(delivery)
        if len(deliveries) <= 1:
            # One message has nothing to share a transaction with; its own path also retries it.
            for delivery in deliveries:
                await self._handle(delivery)
            return
        try:
            seen = await self._through_outages(self._handle_together, deliveries)
        except Exception as error:
            _one_by_one_after(error, len(deliveries))
            for delivery in deliveries:
                await self._handle(delivery)
            return
        # Counted once per topic, type and outcome of the poll: a counter per message costs more than the fold.
        outcomes: dict[tuple[str, str, str], list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            outcome = "duplicate" if delivery.envelope.id in seen else "handled"
            outcomes[delivery.record.topic, delivery.envelope.type, outcome].append(delivery)
        for (_, message_type, outcome), alike in outcomes.items():
            metrics.count_consumed(self.name, alike[0].record, message_type, outcome, len(alike))

    async def _fold_together(self, records: Sequence[Record]) -> None:
        """Fold a poll in one transaction, each record decoded only when the fold reaches it and dropped once folded:
        a poll's messages are never all alive at once (20,000 job messages decoded took about 60 MB), and each is
        freed while it is still in the cache. Records no route can handle are dead-lettered once it commits; if it
        fails, nothing of it is kept and the records are handled one by one."""
        try:
            refused, outcomes = await self._through_outages(self._fold_once, records)
        except Exception as error:
            _one_by_one_after(error, len(records))
            for record in records:
                await self.consume(record)
            return
        for refusal in refused:
            await self._refuse(refusal)
        for (message_type, outcome), (record, count) in outcomes.items():
            metrics.count_consumed(self.name, record, message_type, outcome, count)

    async def _fold_once(self, records: Sequence[Record]) -> tuple[list[Refused], Outcomes]:
        """Fold the poll; returns the records to refuse and what became of the others."""
        refused: list[Refused] = []
        handled: Counter[str] = Counter()
        record_of: dict[str, Record] = {}  # one record of each message type, for its topic

        def messages() -> Iterator[tuple[Message, Envelope]]:
            for record in records:
                decoded = self._decoded(record)
                if isinstance(decoded, Delivery):
                    handled[decoded.envelope.type] += 1
                    record_of[decoded.envelope.type] = record
                    yield decoded.payload, decoded.envelope
                elif decoded is not None:
                    refused.append(decoded)

        keys = frozenset(record.key.decode(errors="replace") for record in records if record.key)
        async with self.unit_of_work() as uow:
            with processing_batch(records, self.name):
                repeated = Counter(envelope.type for envelope in await self._fold_poll(messages(), keys, uow))
            await uow.commit()
        outcomes: Outcomes = {}
        for message_type, count in handled.items():
            for outcome, alike in (("handled", count - repeated[message_type]), ("duplicate", repeated[message_type])):
                if alike:
                    outcomes[message_type, outcome] = (record_of[message_type], alike)
        return refused, outcomes

    async def _admit(self, record: Record) -> Delivery | None:
        """The record's delivery if a route takes it; a record that can never be handled is dead-lettered."""
        decoded = self._decoded(record)
        if isinstance(decoded, Refused):
            await self._refuse(decoded)
            return None
        return decoded

    def _decoded(self, record: Record) -> Delivery | Refused | None:
        """The record's delivery if a route takes it, why it can never be handled, or None for a type of no route."""
        if self._decode is not None:
            try:
                envelope = self._decode(record.value)
            except ValidationError:
                pass  # another type, or a record to refuse: the two passes below tell which, and why
            else:
                return self._checked(record, envelope, envelope.data, self.routes[envelope.type])
        try:
            envelope = Envelope.model_validate_json(record.value)
        except ValidationError as error:
            return Refused(record, f"malformed envelope: {_first_error(error)}")
        route = self.routes.get(envelope.type)
        if route is None:
            return None
        try:
            payload = route.message.model_validate(envelope.data)
        except ValidationError as error:
            return Refused(record, f"invalid {envelope.type} payload: {_first_error(error)}")
        return self._checked(record, envelope, payload, route)

    @staticmethod
    def _checked(record: Record, envelope: Envelope, payload: Message, route: Route) -> Delivery | Refused:
        """The delivery, unless the route's own check of the record as it arrived refuses it."""
        if route.admit is not None:
            try:
                route.admit(record, envelope)
            except Unprocessable as error:
                return Refused(record, f"unprocessable {envelope.type}: {error}", envelope.type)
        return Delivery(record, envelope, payload, route)

    async def _refuse(self, refusal: Refused) -> None:
        await self._send_to_dead_letters(refusal.record, refusal.reason)
        if refusal.message_type is not None:
            metrics.count_consumed(self.name, refusal.record, refusal.message_type, "dead_lettered")

    async def _handle(self, delivery: Delivery) -> None:
        envelope = delivery.envelope
        with (context.job_context(envelope.correlationid, envelope.tenantid, envelope.jobid),
              processing(delivery.record, self.name, job_id=envelope.jobid)):
            await self._handle_with_retries(delivery.record, envelope, delivery.payload, delivery.route)

    async def _through_outages(self, handle: Callable[[Any], Awaitable[Any]], poll: Any) -> Any:
        """Handle the poll together, trying it again whole while a server it needs is away: one by one, a poll of
        thousands would then cost a transaction a record, long after the server is back."""
        retrying = AsyncRetrying(retry=retry_if_exception(interrupted), reraise=True,
                                 wait=wait_exponential(multiplier=self._backoff, max=OUTAGE_RETRY_SECONDS))
        return await retrying(handle, poll)

    async def _handle_together(self, deliveries: list[Delivery]) -> set[str]:
        """Handle every delivery not processed yet in one transaction; returns the ids that were processed already."""
        prepared = await self._prepare_all(deliveries)
        async with self.unit_of_work() as uow:
            fresh_ids = await self._mark_processed(uow.session, [delivery.envelope.id for delivery in deliveries])
            if not fresh_ids:
                return {delivery.envelope.id for delivery in deliveries}
            for delivery in deliveries:
                if delivery.envelope.id in fresh_ids:
                    await self._handle_in(uow, delivery, prepared)
            await uow.commit()
        return {delivery.envelope.id for delivery in deliveries} - fresh_ids

    async def _mark_processed(self, session: AsyncSession, message_ids: list[str]) -> set[str]:
        """Mark the message ids processed and return those that were not already (one statement when all are new).

        A replica marking the same id concurrently makes this wait for its transaction: the id then counts as
        processed if that one committed, and as new if it rolled back."""
        if not self._marks_processed:
            return set(message_ids)
        processed = self._tables.processed
        dialect = session.get_bind().dialect.name
        statement = insert_unless_present(processed, dialect)
        if dialect == "postgresql":
            # The ids travel as one array parameter: a row of parameters per id costs more than the insert itself.
            ids = select(literal(self.name), func.unnest(bindparam("message_ids", type_=postgresql.ARRAY(String))))
            try:
                # Most polls are all new, and a plain insert takes PostgreSQL about two thirds of the time of one
                # that checks each row for a conflict and returns it; a repeat undoes it and takes the slow way.
                async with session.begin_nested():
                    await session.execute(insert(processed).from_select(["consumer", "message_id"], ids),
                                          {"message_ids": message_ids})
                return set(message_ids)
            except IntegrityError:
                statement = statement.from_select(["consumer", "message_id"], ids)
                marked = await session.scalars(statement.returning(processed.c.message_id),
                                               {"message_ids": message_ids})
        else:
            marked = await session.scalars(statement.returning(processed.c.message_id),
                                           [{"consumer": self.name, "message_id": id_} for id_ in message_ids])
        return set(marked)

    async def _prepare_all(self, deliveries: list[Delivery]) -> dict[str, Any]:
        """Each new delivery's remote reads, done before the shared transaction opens (keyed by message id)."""
        preparing = [delivery for delivery in deliveries if delivery.route.prepare is not None]
        if not preparing:
            return {}
        async with self._sessions() as session:
            seen = await self._processed_among(session, [delivery.envelope.id for delivery in preparing])
        return {d.envelope.id: await d.route.prepare(d.payload, d.envelope)
                for d in preparing if d.envelope.id not in seen and d.route.prepare is not None}

    async def _handle_in(self, uow: UnitOfWork, delivery: Delivery, prepared: dict[str, Any]) -> None:
        """Handle one delivery of a poll inside the poll's transaction."""
        envelope, route = delivery.envelope, delivery.route
        extra = (prepared[envelope.id],) if route.prepare is not None else ()
        with (context.job_context(envelope.correlationid, envelope.tenantid, envelope.jobid),
              processing(delivery.record, self.name, job_id=envelope.jobid)):
            await route.handler(delivery.payload, envelope, uow, *extra)

    async def _handle_with_retries(self, record: Record, envelope: Envelope, payload: Message, route: Route) -> None:
        try:
            async for attempt in AsyncRetrying(
                stop=_unless_a_server_is_away(stop_after_attempt(self._attempts)),
                wait=wait_exponential(multiplier=self._backoff, max=OUTAGE_RETRY_SECONDS),
                retry=retry_if_not_exception_type(Unprocessable),
                before_sleep=lambda _: metrics.count_consumed(self.name, record, envelope.type, "failed"),
                reraise=True,
            ):
                with attempt:
                    outcome = await self._handle_once(envelope, payload, route)
        except Unprocessable as error:
            await self._send_to_dead_letters(record, f"unprocessable {envelope.type}: {error}")
            await self._give_up(envelope, payload, route, str(error))
            metrics.count_consumed(self.name, record, envelope.type, "dead_lettered")
            return
        except Exception as error:
            log.exception("handler failed after %d attempts", self._attempts, extra={"type": envelope.type})
            # The exception's text may hold SQL or host names; it is in the log above, under the correlation id.
            await self._send_to_dead_letters(record, f"{failures.INTERNAL_ERROR}: {type(error).__name__} after "
                                                     f"{self._attempts} attempts, logged under correlation id "
                                                     f"{envelope.correlationid}")
            await self._give_up(envelope, payload, route, GAVE_UP)
            metrics.count_consumed(self.name, record, envelope.type, "dead_lettered")
            return
        metrics.count_consumed(self.name, record, envelope.type, outcome)

    async def _handle_once(self, envelope: Envelope, payload: Message, route: Route) -> str:
        prepared: tuple[Any, ...] = ()
        if route.prepare is not None:
            if await self._already_processed(envelope.id):
                return "duplicate"
            prepared = (await route.prepare(payload, envelope),)
        async with self.unit_of_work() as uow:
            if await self._processed_among(uow.session, [envelope.id]):
                return "duplicate"
            await self._mark_one(uow.session, envelope.id)
            repeated = await route.handler(payload, envelope, uow, *prepared)
            try:
                await uow.commit()
            except IntegrityError:
                if await self._already_processed(envelope.id):
                    return "duplicate"
                raise
        return "duplicate" if repeated else "handled"

    async def _give_up(self, envelope: Envelope, payload: Message, route: Route, reason: str) -> None:
        """Record the failure the route declares for a dead-lettered message, once, beside its processed mark."""
        if route.on_give_up is None:
            return
        try:
            async with self.unit_of_work() as uow:
                await self._mark_one(uow.session, envelope.id)
                await route.on_give_up(payload, envelope, uow, reason)
                await uow.commit()
        except Exception:
            log.exception("could not record the failure of a dead-lettered message", extra={"type": envelope.type})

    async def _mark_one(self, session: AsyncSession, message_id: str) -> None:
        if self._marks_processed:
            await session.execute(insert(self._tables.processed).values(consumer=self.name, message_id=message_id))

    async def _already_processed(self, message_id: str) -> bool:
        async with self._sessions() as session:
            return bool(await self._processed_among(session, [message_id]))

    async def _processed_among(self, session: AsyncSession, message_ids: Iterable[str]) -> set[str]:
        """Which of these message ids this consumer has processed already."""
        if not self._marks_processed:
            return set()
        processed = self._tables.processed
        found = await session.scalars(
            select(processed.c.message_id).where(
                processed.c.consumer == self.name, processed.c.message_id.in_(list(message_ids))
            )
        )
        return set(found)

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


def _one_by_one_after(error: Exception, count: int) -> None:
    log.warning("a batch of %d messages failed (%s: %s); handling them one by one", count, type(error).__name__, error)


def _unless_a_server_is_away(stop):
    """Give up when `stop` says so, except while the database or a service is away (a restart): the message
    waits for it on its partition, however long, since dead-lettering it would lose its job."""
    return lambda state: stop(state) and not interrupted(state.outcome.exception())


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "message"
    return f"{where}: {first.get('msg', 'invalid')}"
