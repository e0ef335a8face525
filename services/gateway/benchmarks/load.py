"""Open-model load on the gateway of a stack of its own: uploads of a small package of real tenders at a fixed rate,
each job polled every second until it ends, the rate stepped up until completions stop following arrivals.

    make load                          # the CI variant: short steps at 0.5, 1 and 2 uploads/s
    TENDERFLOW_LOAD_FULL=1 make load   # the full run: 60 s steps at 1, 2, 4 and 8 uploads/s

TENDERFLOW_LOAD_RATES (uploads/s, comma-separated), TENDERFLOW_LOAD_SECONDS (per step), TENDERFLOW_LOAD_TENANTS
and TENDERFLOW_LOAD_DRAIN_SECONDS override either variant. Exits 1 when a job accepted is not over after the
drain, or when a step below the saturated one got a 5xx (or no answer at all).
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from load_lag import LagReader
from load_plan import count_between, follows, percentile
from load_traffic import Job, Phase, Traffic

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.testing.infra import from_environment
from tenderflow_common.testing.stack import Stack
from tenderflow_common.testing.tenders import TENDERS
from tenderflow_common.testing.topics import create_prefixed_topics, delete_topics, new_prefix
from tenderflow_gateway import repository as gateway_repository

# Three small documents of three formats, text layers only: a job takes seconds, not minutes of OCR.
PACKAGE = ("ted/20-155018-001-EXP.xml", "ocds/nsw-1.json", "es/jaen-plants-anuncio.pdf")
# Per tenant a minute: far above what the run sends (an upload costs 10), yet a real limit, so every request still
# pays for the shared rate-limit check as it would in production.
RATE_LIMIT_PER_MINUTE = 50_000
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Plan:
    rates: tuple[float, ...]
    seconds: float
    tenants: int
    drain_seconds: float


def plan_from_environment() -> Plan:
    full = os.environ.get("TENDERFLOW_LOAD_FULL") == "1"
    rates = os.environ.get("TENDERFLOW_LOAD_RATES") or ("1,2,4,8" if full else "0.5,1,2")
    return Plan(rates=tuple(float(rate) for rate in rates.split(",")),
                seconds=float(os.environ.get("TENDERFLOW_LOAD_SECONDS") or (60 if full else 12)),
                tenants=int(os.environ.get("TENDERFLOW_LOAD_TENANTS") or 4),
                drain_seconds=float(os.environ.get("TENDERFLOW_LOAD_DRAIN_SECONDS") or (600 if full else 60)))


@dataclass
class StepResult:
    rate: float
    phase: Phase
    arrived: int
    finished: int
    lag: asyncio.Task

    @property
    def saturated(self) -> bool:
        return not follows(self.arrived, self.finished)


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in PACKAGE:
            archive.write(TENDERS / name, Path(name).name)
    return buffer.getvalue()


async def tenant_keys(stack: Stack, tenants: int) -> list[str]:
    engine = create_engine(stack.databases["gateway"], pool_size=1)
    keys = []
    try:
        async with session_factory(engine)() as session, session.begin():
            for number in range(tenants):
                tenant_id = await gateway_repository.ensure_tenant(session, f"load-{number + 1}")
                keys.append((await gateway_repository.create_key(session, tenant_id))[1])
    finally:
        await engine.dispose()
    return keys


async def run(plan: Plan, scratch: Path) -> int:
    infra = from_environment()
    if infra is None:
        sys.exit("No Kafka/PostgreSQL/Redis found: run `make infra-up` first.")
    prefix = new_prefix()
    topics = await create_prefixed_topics(infra.kafka_bootstrap_servers, prefix)
    stack = Stack(infra=infra, topic_prefix=prefix, work_dir=scratch,
                  extra_env={"TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT_PER_MINUTE)})
    lag = LagReader(infra.kafka_bootstrap_servers, prefix)
    try:
        await stack.start(float(os.environ.get("TENDERFLOW_STACK_READY_TIMEOUT", "90")))
        await lag.start()
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
        async with httpx.AsyncClient(base_url=stack.gateway_url, limits=limits, timeout=30) as client:
            traffic = Traffic(client, await tenant_keys(stack, plan.tenants), package(), POLL_SECONDS)
            try:
                return await drive(plan, traffic, lag)
            finally:
                await traffic.stop()
    finally:
        await lag.stop()
        await stack.stop()
        await delete_topics(infra.kafka_bootstrap_servers, topics)


async def drive(plan: Plan, traffic: Traffic, lag: LagReader) -> int:
    print(f"{plan.tenants} tenants; package {', '.join(PACKAGE)}; steps of {plan.seconds:g} s at "
          f"{', '.join(f'{rate:g}' for rate in plan.rates)} uploads/s until saturation", flush=True)
    loop = asyncio.get_running_loop()
    # Completions are counted over the step's second half, moved back by a poll and a margin: by the step's end
    # a poll has seen every job that ended in that window.
    settle = POLL_SECONDS + 0.5
    results: list[StepResult] = []
    for index, rate in enumerate(plan.rates):
        traffic.phase = Phase(f"step {index + 1}")
        started = await traffic.step(index, rate, plan.seconds)
        window = (started + plan.seconds / 2 - settle, started + plan.seconds - settle)
        result = StepResult(rate, traffic.phase, count_between((job.due for job in traffic.jobs), *window),
                            count_between((job.finished for job in traffic.jobs if job.finished), *window),
                            asyncio.create_task(lag.lag()))
        results.append(result)
        print(f"  step {index + 1} ({rate:g}/s) over: {result.finished} of {result.arrived} jobs of its second half "
              f"finished{', saturated' if result.saturated else ''}", flush=True)
        if result.saturated:
            break
    traffic.phase = Phase("drain")
    drain_started = loop.time()
    await traffic.drain(plan.drain_seconds)
    drained = loop.time() - drain_started
    return await report(plan, results, traffic.jobs, traffic.phase, drained)


async def report(plan: Plan, results: list[StepResult], jobs: list[Job], drain: Phase, drained: float) -> int:
    saturated_at = next((number for number, result in enumerate(results) if result.saturated), len(results))
    for number, result in enumerate(results):
        own = [job for job in jobs if job.step == number]
        ends = [job.finished - job.due for job in own if job.finished is not None]
        print(f"\nstep {number + 1}: {result.rate:g} uploads/s for {plan.seconds:g} s"
              f"{'  (saturated)' if result.saturated else ''}; sends at most "
              f"{result.phase.latest_send * 1000:.0f} ms late")
        for route, stats in sorted(result.phase.routes.items()):
            print(f"  {route:<20} {stats.summary()}")
        print(f"  jobs: {len(own)} accepted, {len(ends)} ended; end to end p50 {_seconds(percentile(ends, 50))} "
              f"p95 {_seconds(percentile(ends, 95))}; completions over the second half {result.finished} "
              f"for {result.arrived} arrivals")
        lags = await result.lag
        print(f"  consumer lag at the step's end: {', '.join(f'{g} {n}' for g, n in lags.items()) or 'no groups'}")
    print(f"\ndrain: {drained:.1f} s")
    for route, stats in sorted(drain.routes.items()):
        print(f"  {route:<20} {stats.summary()}")
    lost = [job for job in jobs if job.finished is None]
    endings = {status: sum(job.status == status for job in jobs) for status in sorted({j.status for j in jobs})}
    below = results[:saturated_at]
    server_errors = sum(stats.server_errors for result in below for stats in result.phase.routes.values())
    print(f"\n{len(jobs)} jobs accepted: {', '.join(f'{n} {s}' for s, n in endings.items())}; {len(lost)} lost")
    print(f"saturation: {_saturation(results, saturated_at)}; 5xx or no answer below it: {server_errors}")
    failures = []
    if lost:
        failures.append(f"{len(lost)} jobs never ended, e.g. {', '.join(job.id for job in lost[:3])}")
    if server_errors:
        failures.append(f"{server_errors} requests got a 5xx or no answer below saturation")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _saturation(results: list[StepResult], saturated_at: int) -> str:
    if saturated_at == len(results):
        return f"not reached up to {results[-1].rate:g} uploads/s"
    return f"step {saturated_at + 1} ({results[saturated_at].rate:g} uploads/s)"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tenderflow-load-") as scratch:
        sys.exit(asyncio.run(run(plan_from_environment(), Path(scratch))))


if __name__ == "__main__":
    main()
