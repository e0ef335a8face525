"""The ledger: reads every service's database and every topic, and lists what a fault must never cause.

Each rule is one of the promises of crash-safe work: every accepted job ends; each effect happens once (one
document per file, one index per package, one answer per question and model, and one event id per fact on the
topics); the outbox drains; dead letters are exactly the poison that was sent; replaying the topics rebuilds the
projection the jobs service keeps live."""

import asyncio
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer

from tenderflow_common import topics
from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_common.testing.stack import SERVICES, Stack
from tenderflow_jobs import repository as jobs_repository
from tenderflow_jobs.rebuild import rebuild_projection
from tenderflow_jobs.settings import JobsSettings

from .watch import JobWatch

TERMINAL = ("succeeded", "failed", "cancelled")
# The fact each effect event stands for: two ids for one fact would be the same work done twice.
FACTS = {
    "tenderflow.ingest.document-extracted.v1": ("package_id", "file"),
    "tenderflow.ingest.package-ingested.v1": ("package_id",),
    "tenderflow.workspace.documents-indexed.v1": ("package_id",),
    "tenderflow.questions.answer-recorded.v1": ("run_id", "question_id", "model"),
    "tenderflow.questions.run-completed.v1": ("run_id",),
}


@dataclass
class JobLedger:
    """One job's effects as each service recorded them."""

    job_id: str
    status: str
    documents: int
    documents_indexed: int
    chunks: int
    chunks_in_job: int
    answers: int
    questions_total: int
    questions_answered: int

    def line(self) -> str:
        return (f"{self.status}: {self.documents} documents, {self.documents_indexed} indexed, "
                f"{self.chunks} chunks, {self.answers}/{self.questions_total} answers")


@dataclass
class LedgerCheck:
    jobs: dict[str, JobLedger] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    dead_letters: Counter = field(default_factory=Counter)
    records_read: int = 0

    def summary(self) -> str:
        lines = "; ".join(job.line() for job in self.jobs.values())
        dead = sum(self.dead_letters.values())
        return f"{lines}; {dead} dead letters; {len(self.problems)} problems"


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def query_rows(url: str, query: str, *args) -> list[asyncpg.Record]:
    """A query's rows from one service's database, on a connection of its own."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


class Ledger:
    def __init__(self, stack: Stack, scratch: Path) -> None:
        self.stack = stack
        self.scratch = scratch

    async def job(self, job_id: str) -> tuple[JobLedger, list[str]]:
        databases = self.stack.databases
        job = (await query_rows(databases["jobs"], "SELECT * FROM jobs WHERE job_id = $1", job_id))
        assert job, f"the jobs service never heard of job {job_id}"
        job = job[0]
        packages = [row["id"] for row in await query_rows(databases["ingest"],
                                                          "SELECT id FROM packages WHERE job_id = $1", job_id)]
        documents = await query_rows(databases["ingest"], "SELECT file FROM documents WHERE package_id = ANY($1)",
                                     packages)
        indexed = await query_rows(databases["workspace"], "SELECT file FROM documents WHERE package_id = ANY($1)",
                                   packages)
        chunks = await query_rows(databases["workspace"],
                                  "SELECT count(*) AS n FROM chunks WHERE package_id = ANY($1)", packages)
        answers = await query_rows(databases["questions"], "SELECT a.question_id, a.model FROM answers a "
                                   "JOIN runs r ON r.id = a.run_id WHERE r.job_id = $1", job_id)
        problems = []
        # The suite's packages hold only documents that extract: a file refused is work a fault spoiled.
        refused = [f"{file['name']}: {file['code']}" for file in json.loads(job["files"]) if not file["accepted"]]
        if refused:
            problems.append(f"job {job_id}: files refused: {refused}")
        for name, rows in (("document per file", documents), ("indexed document per file", indexed)):
            repeated = [file for file, n in Counter(row["file"] for row in rows).items() if n > 1]
            if repeated:
                problems.append(f"job {job_id}: more than one {name}: {repeated}")
        repeated = [key for key, n in Counter((r["question_id"], r["model"]) for r in answers).items() if n > 1]
        if repeated:
            problems.append(f"job {job_id}: more than one answer per question and model: {repeated}")
        return JobLedger(job_id, job["status"], len(documents), len(indexed), chunks[0]["n"], job["chunks"],
                         len(answers), job["questions_total"], job["questions_answered"]), problems

    async def check(self, job_ids: list[str], watch: JobWatch, *, dead_letters_due: Counter,
                    expect_succeeded: bool = True) -> LedgerCheck:
        """Every rule, for the given jobs and for the stack as a whole."""
        result = LedgerCheck()
        for job_id in job_ids:
            job, problems = await self.job(job_id)
            result.jobs[job_id] = job
            result.problems += problems
            if job.status not in TERMINAL:
                result.problems.append(f"job {job_id} never ended: {job.status}")
            if expect_succeeded and job.status != "succeeded":
                result.problems.append(f"job {job_id} was lost to the fault: {job.status}")
            if job.status == "succeeded":
                if job.documents_indexed != job.documents:
                    result.problems.append(f"job {job_id}: {job.documents} documents, {job.documents_indexed} "
                                           "indexed")
                if job.chunks != job.chunks_in_job:
                    result.problems.append(f"job {job_id}: {job.chunks} chunks, the job says {job.chunks_in_job}")
                if not job.answers == job.questions_total == job.questions_answered:
                    result.problems.append(f"job {job_id}: {job.answers} answers, {job.questions_answered} "
                                           f"counted, of {job.questions_total}")
            for before, after in watch.backwards_moves(job_id):
                result.problems.append(f"job {job_id} moved backwards: {before.progress} -> {after.progress}")
        await self._check_outboxes(result)
        records = await self.topic_records()
        result.records_read = sum(len(batch) for batch in records.values())
        self._check_facts(records, set(job_ids), result)
        self._check_dead_letters(records, dead_letters_due, result)
        return result

    async def _check_outboxes(self, result: LedgerCheck, timeout_seconds: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_seconds
        while True:
            waiting = {service: (await query_rows(self.stack.databases[service], "SELECT count(*) AS n FROM outbox "
                                                  "WHERE published_at IS NULL"))[0]["n"] for service in SERVICES}
            waiting = {service: n for service, n in waiting.items() if n}
            if not waiting:
                return
            if time.monotonic() > deadline:
                result.problems.append(f"outboxes not drained after {timeout_seconds} s: {waiting}")
                return
            await asyncio.sleep(0.5)

    async def topic_records(self) -> dict[str, list]:
        """Every record on every topic, from the beginning to the end as it is now."""
        prefix = self.stack.topic_prefix
        names = [prefix + topic for topic in topics.ALL_TOPICS]
        reader = AIOKafkaConsumer(bootstrap_servers=self.stack.infra.kafka_bootstrap_servers, group_id=None,
                                  enable_auto_commit=False)
        await reader.start()
        try:
            reader.subscribe(names)
            deadline = time.monotonic() + 30
            while len({tp.topic for tp in reader.assignment()}) < len(names):  # without a group: every partition
                assert time.monotonic() < deadline, "the topics were not all found"
                await asyncio.sleep(0.1)
            partitions = sorted(reader.assignment())
            await reader.seek_to_beginning(*partitions)
            end = await reader.end_offsets(partitions)
            records: dict[str, list] = defaultdict(list)
            remaining = {tp for tp in partitions if end[tp] > 0}
            while remaining:
                for tp, batch in (await reader.getmany(*remaining, timeout_ms=1000)).items():
                    records[tp.topic[len(prefix):]] += [r for r in batch if r.offset < end[tp]]
                remaining = {tp for tp in remaining if await reader.position(tp) < end[tp]}
            return records
        finally:
            await reader.stop()

    @staticmethod
    def _check_facts(records: dict[str, list], job_ids: set[str], result: LedgerCheck) -> None:
        ids_by_fact: dict[tuple, set[str]] = defaultdict(set)
        for batch in records.values():
            for record in batch:
                try:
                    envelope = json.loads(record.value)
                except (TypeError, ValueError):
                    continue
                if not isinstance(envelope, dict) or envelope.get("jobid") not in job_ids:
                    continue
                fields = FACTS.get(envelope.get("type"))
                if fields:
                    data = envelope.get("data", {})
                    ids_by_fact[(envelope["type"], *(data.get(name) for name in fields))].add(envelope["id"])
        for fact, ids in ids_by_fact.items():
            if len(ids) > 1:
                result.problems.append(f"one fact under {len(ids)} event ids on the topics: {fact}")

    @staticmethod
    def _check_dead_letters(records: dict[str, list], due: Counter, result: LedgerCheck) -> None:
        for topic in topics.PIPELINE_TOPICS:
            result.dead_letters[topic] = len(records.get(topics.dead_letters(topic), []))
            if result.dead_letters[topic] != due[topic]:
                result.problems.append(f"{topic}: {result.dead_letters[topic]} dead letters for "
                                       f"{due[topic]} expected from the poison sent")

    async def replay_matches_live(self, tenant_id: str) -> list[str]:
        """Fold the topics into an empty jobs database; the jobs must come out as the live projection has them."""
        replayed = await create_database(self.stack.infra.postgres_url, "replay")
        try:
            settings = JobsSettings(database_url=replayed, kafka=KafkaSettings(
                bootstrap_servers=self.stack.infra.kafka_bootstrap_servers, topic_prefix=self.stack.topic_prefix))
            await rebuild_projection(settings)
            live = await _job_states(self.stack.databases["jobs"], tenant_id)
            again = await _job_states(replayed, tenant_id)
            return [f"job {job_id} replays as {again.get(job_id)} but is live {state}"
                    for job_id, state in live.items() if again.get(job_id) != state]
        finally:
            await drop_database(self.stack.infra.postgres_url, replayed)


async def _job_states(database_url: str, tenant_id: str) -> dict:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(engine)() as session:
            return {state.job_id: state for state in await jobs_repository.list_for_tenant(
                session, tenant_id, status=None, limit=1000, offset=0)}
    finally:
        await engine.dispose()
