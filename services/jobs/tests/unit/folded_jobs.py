"""A jobs database folded by the service's own consumer, as unit tests of the projection's messages use it."""

from pathlib import Path

from sqlalchemy import select

from tenderflow_common.consumer import MessageConsumer
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.envelope import Envelope
from tenderflow_common.transport import Record
from tenderflow_common.unit_of_work import topic_of, transactions
from tenderflow_jobs import consumers, projection, repository
from tenderflow_jobs.models import jobs as jobs_table
from tenderflow_jobs.models import messaging, metadata


class FoldedJobs:
    """An SQLite jobs database with its tables, the consumer that folds into it, and what it emitted."""

    def __init__(self, path: Path) -> None:
        self.engine = create_engine(f"sqlite+aiosqlite:///{path}")
        self.sessions = session_factory(self.engine)
        self.transaction = transactions(self.sessions, messaging)
        # Configured as the service configures it: the jobs keep the ids folded into them, and nothing else does.
        self.consumer = MessageConsumer("tenderflow-jobs", self.sessions, messaging, consumers.routes(),
                                        self._no_dead_letters, attempts=1,
                                        fold_poll=consumers.poll_fold())
        self.offset = 0

    async def __aenter__(self) -> "FoldedJobs":
        async with self.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        return self

    async def __aexit__(self, *_) -> None:
        await self.engine.dispose()

    @staticmethod
    async def _no_dead_letters(*_) -> None:
        raise AssertionError("nothing here is unhandleable")

    async def deliver(self, envelopes: list[Envelope]) -> None:
        """One poll of these messages, in this order."""
        records = []
        for envelope in envelopes:
            self.offset += 1
            records.append(Record(topic=topic_of(envelope), partition=0, offset=self.offset,
                                  key=envelope.jobid.encode(), value=envelope.to_bytes()))
        await self.consumer.consume_batch(records)

    async def outbox(self, message_type: str | None = None) -> list[Envelope]:
        """What the folding emitted, oldest first; only one type's when given."""
        async with self.sessions() as session:
            payloads = await session.scalars(select(messaging.outbox.c.payload).order_by(messaging.outbox.c.id))
            envelopes = [Envelope.model_validate_json(payload) for payload in payloads]
        return [envelope for envelope in envelopes if message_type in (None, envelope.type)]

    async def job(self, job_id: str) -> projection.JobState | None:
        async with self.sessions() as session:
            return (await repository.get_many(session, [job_id])).get(job_id)

    async def rows(self) -> dict[str, tuple]:
        """Every job's row as stored, to compare two databases."""
        async with self.sessions() as session:
            return {row.job_id: tuple(row) for row in (await session.execute(select(jobs_table))).all()}
