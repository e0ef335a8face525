"""Throughput of the questions runner: one run of many questions against a provider that sleeps per call.

The real run worker answers the run with its real database code: a fresh, migrated SQLite database by
default, or with `--postgres` a fresh database on the server of TENDERFLOW_POSTGRES_URL. Workspace search is
served in process by `httpx.MockTransport`, and the provider, passed in as `sleepy`, only sleeps. With
nothing else to wait for, the ideal wall time is ceil(questions / concurrency) * delay; the ratio of the
measured time to it is the runner's own overhead. Run, provider and tenant concurrency are all set to the
concurrency measured.

    .venv/bin/python services/questions/benchmarks/run_throughput.py [--questions 100] [--delay 0.2]
        [--concurrency 4 8 16] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage, SearchResult
from tenderflow_common.in_memory import InMemoryTransport
from tenderflow_common.internal_client import InternalClient
from tenderflow_common.internal_tokens import InternalTokenSigner
from tenderflow_common.migrations import upgrade_to_head
from tenderflow_common.settings import PostgresSettings
from tenderflow_common.testing.databases import create_database, drop_database
from tenderflow_questions import repository
from tenderflow_questions.main import MIGRATIONS, build_service
from tenderflow_questions.models import answers, runs
from tenderflow_questions.providers import AnswerRequest, ProviderAnswer, Providers
from tenderflow_questions.runner import Answering, TenantSlots, run_worker
from tenderflow_questions.settings import QuestionsSettings

PROVIDER = "sleepy"
CONCURRENCIES = (4, 8, 16)
GOAL_RATIO = 1.2


class SleepyProvider:
    """Stands in for a remote model: every answer takes `delay` seconds and uses no CPU."""

    name = PROVIDER

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        question, passages = request.question, request.passages
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        cited = passages[0]
        return ProviderAnswer(answer=f"answer to {question.id}",
                              citations=[Citation(file=cited.file, path=cited.path, snippet=cited.text[:80])],
                              confidence=0.5, fragment_coverage=None)


def search_transport() -> httpx.MockTransport:
    """The workspace's search API, answering every query with the same two passages."""
    result = SearchResult(passages=[
        Passage(chunk_id=f"doc:{n}", document_id="doc", file="notice.xml", doc_type="xml",
                text=f"PROCEDURE/DATE_RECEIPT_TENDERS: 2026-0{n + 1}-15", path="TED_EXPORT/FORM_SECTION",
                score=0.8 - n / 10)
        for n in range(2)
    ])
    body = result.model_dump_json().encode()
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": "application/json"})
    )


@dataclass(frozen=True)
class Measurement:
    concurrency: int
    questions: int
    delay: float
    wall_seconds: float
    most_in_flight: int

    @property
    def ideal_seconds(self) -> float:
        return math.ceil(self.questions / self.concurrency) * self.delay

    @property
    def ratio(self) -> float:
        return self.wall_seconds / self.ideal_seconds


async def measure(concurrency: int, questions: int, delay: float, database_url: str) -> Measurement:
    """Claim and answer one run of `questions` questions with run and provider concurrency `concurrency`."""
    settings = QuestionsSettings(database_url=database_url, run_concurrency=concurrency,
                                 provider_concurrency=concurrency)
    provider = SleepyProvider(delay)
    runtime = build_service(settings, transport=InMemoryTransport()).runtime
    workspace = InternalClient("workspace", settings.workspace_url,
                               InternalTokenSigner(settings.platform.signing_key, "questions"), 5.0,
                               transport=search_transport())
    answering = Answering(runtime.transaction, runtime.sessions, workspace,
                          Providers([provider], settings.provider_concurrency),
                          run_concurrency=settings.run_concurrency, top_k=settings.top_k,
                          tenant_slots=TenantSlots(concurrency))
    worker = run_worker(answering)
    try:
        await upgrade_to_head(MIGRATIONS, runtime.database_url)
        run_id = uuid.uuid4().hex
        task = repository.RunTask(
            id=run_id, job_id=f"bench-{run_id}", tenant_id="bench", correlation_id=run_id, causation_id=run_id,
            workspace_id="workspace", package_id="package", model=f"{PROVIDER}:{delay}s",
            questions=[QuestionSpec(id=f"q{n:03d}", text=f"What is fact {n}?") for n in range(questions)],
        )
        async with runtime.transaction() as uow:
            await repository.add_run(uow.session, task)
        started = time.perf_counter()
        if not await worker.run_next():
            raise RuntimeError("no run was claimed; is the database shared with a worker?")
        wall = time.perf_counter() - started
        async with runtime.sessions() as session:
            status = await session.scalar(select(runs.c.status).where(runs.c.id == run_id))
            stored = await session.scalar(
                select(func.count()).select_from(answers).where(answers.c.run_id == run_id)
            )
        if status != "completed" or stored != questions:
            raise RuntimeError(f"run ended {status!r} with {stored} of {questions} answers stored")
        return Measurement(concurrency, questions, delay, wall, provider.most_in_flight)
    finally:
        await answering.workspace.aclose()
        await runtime.engine.dispose()


async def run(
    concurrencies: list[int], questions: int, delay: float, repeat: int, postgres_server: str | None
) -> dict[int, list[Measurement]]:
    """`repeat` measurements per concurrency, each on a database of its own."""
    results: dict[int, list[Measurement]] = {}
    with tempfile.TemporaryDirectory(prefix="tenderflow-bench-") as scratch:
        for concurrency in concurrencies:
            measurements = results.setdefault(concurrency, [])
            for attempt in range(repeat):
                if postgres_server is None:
                    url = f"sqlite+aiosqlite:///{Path(scratch) / f'questions-{concurrency}-{attempt}.db'}"
                    measurements.append(await measure(concurrency, questions, delay, url))
                    continue
                url = await create_database(postgres_server, "bench_questions")
                try:
                    measurements.append(await measure(concurrency, questions, delay, url))
                finally:
                    await drop_database(postgres_server, url)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the provider sleeps per answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCIES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per concurrency; the median is reported")
    parser.add_argument("--postgres", action="store_true",
                        help="fresh databases on the PostgreSQL server of TENDERFLOW_POSTGRES_URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    postgres_server = PostgresSettings().url if args.postgres else None
    load_before = os.getloadavg()[0]
    results = asyncio.run(run(args.concurrency, args.questions, args.delay, args.repeat, postgres_server))
    database = "postgresql+asyncpg (fresh database)" if args.postgres else "sqlite+aiosqlite (fresh file)"
    print(f"{args.questions} questions, provider sleeps {args.delay * 1000:.0f} ms per call, "
          f"database {database}, median of {args.repeat} runs; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, {os.cpu_count()} CPUs")
    print(f"{'concurrency':>11}  {'in flight':>9}  {'wall s':>7}  {'ideal s':>7}  {'ratio':>5}  "
          f"{'best':>5}  {'worst':>5}  goal <= {GOAL_RATIO}")
    for concurrency, measurements in results.items():
        ratios = sorted(m.ratio for m in measurements)
        middle = sorted(measurements, key=lambda m: m.ratio)[len(measurements) // 2]
        verdict = "ok" if middle.ratio <= GOAL_RATIO else "over"
        print(f"{concurrency:>11}  {max(m.most_in_flight for m in measurements):>9}  "
              f"{middle.wall_seconds:>7.2f}  {middle.ideal_seconds:>7.2f}  {middle.ratio:>5.2f}  "
              f"{ratios[0]:>5.2f}  {ratios[-1]:>5.2f}  {verdict}")


if __name__ == "__main__":
    main()
