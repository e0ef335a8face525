"""Open-model load on the gateway of a stack of its own: uploads of a small package of real tenders at a fixed rate,
each job polled every second until it ends, the rate stepped up until completions stop following arrivals.

    make load                          # the CI variant: 15 s steps at 0.25, 0.5 and 1 upload/s
    TENDERFLOW_LOAD_FULL=1 make load   # the full run: 60 s steps at 0.25, 0.5, 1, 2, 4 and 8 uploads/s

After each step its jobs are drained before the next one starts, so each step's latencies and completion rate are
its own; the run stops at the first saturated step: its jobs ended at less than 0.8 of the rate they arrived at,
or did not all end within TENDERFLOW_LOAD_DRAIN_SECONDS.

TENDERFLOW_LOAD_RATES (uploads/s, comma-separated), TENDERFLOW_LOAD_SECONDS (per step), TENDERFLOW_LOAD_TENANTS
and TENDERFLOW_LOAD_DRAIN_SECONDS override either variant. Exits 1 when a job accepted is not over after the
drain, or when a step below the saturated one got a 5xx (or no answer at all) or had a job end other than
succeeded.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from load_lag import LagReader
from load_plan import completion_rate, follows, percentile
from load_traffic import Job, Phase, Traffic

from tenderflow_common.db import create_engine, session_factory
from tenderflow_common.testing.stack import Stack, stack_of_its_own
from tenderflow_common.testing.tenders import TENDERS
from tenderflow_gateway import repository as gateway_repository

# Three small documents of three formats, text layers only: a job takes seconds, not minutes of OCR.
PACKAGE = ("ted/20-155018-001-EXP.xml", "ocds/nsw-1.json", "es/jaen-plants-anuncio.pdf")
# Per tenant a minute: far above what the run sends (an upload costs 10), yet a real limit, so every request still
# pays for the shared rate-limit check as it would in production.
RATE_LIMIT_PER_MINUTE = 50_000
POLL_SECONDS = 1.0
LAG_READ_SECONDS = 30.0


@dataclass(frozen=True)
class Plan:
    rates: tuple[float, ...]
    seconds: float
    tenants: int
    drain_seconds: float


def plan_from_environment() -> Plan:
    full = os.environ.get("TENDERFLOW_LOAD_FULL") == "1"
    rates = os.environ.get("TENDERFLOW_LOAD_RATES") or ("0.25,0.5,1,2,4,8" if full else "0.25,0.5,1")
    return Plan(rates=tuple(float(rate) for rate in rates.split(",")),
                seconds=float(os.environ.get("TENDERFLOW_LOAD_SECONDS") or (60 if full else 15)),
                tenants=int(os.environ.get("TENDERFLOW_LOAD_TENANTS") or 4),
                drain_seconds=float(os.environ.get("TENDERFLOW_LOAD_DRAIN_SECONDS") or (900 if full else 300)))


@dataclass
class StepResult:
    """One step: its requests while uploads arrived, its jobs, and the consumer lag when the uploads stopped."""

    rate: float
    phase: Phase
    jobs: list[Job]
    lag: dict[str, int]

    @property
    def served(self) -> float | None:
        return completion_rate([job.finished for job in self.jobs if job.finished is not None])

    @property
    def saturated(self) -> bool:
        """Its jobs did not all end, or ended at a rate well below the one they arrived at."""
        return any(job.finished is None for job in self.jobs) or not follows(self.rate, self.served)


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
    ready_seconds = float(os.environ.get("TENDERFLOW_STACK_READY_TIMEOUT", "90"))
    limit = {"TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT_PER_MINUTE)}
    async with stack_of_its_own(scratch, limit, ready_seconds) as stack:
        lag = LagReader(stack.infra.kafka_bootstrap_servers, stack.topic_prefix)
        await lag.start()
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
        try:
            async with httpx.AsyncClient(base_url=stack.gateway_url, limits=limits, timeout=30) as client:
                traffic = Traffic(client, await tenant_keys(stack, plan.tenants), package(), POLL_SECONDS)
                try:
                    return await drive(plan, traffic, lag)
                finally:
                    await traffic.stop()
        finally:
            await lag.stop()


async def drive(plan: Plan, traffic: Traffic, lag: LagReader) -> int:
    """Each step's uploads on the clock, then its jobs drained before the next, so a step's figures are its own."""
    print(f"{plan.tenants} tenants; package {', '.join(PACKAGE)}; steps of {plan.seconds:g} s at "
          f"{', '.join(f'{rate:g}' for rate in plan.rates)} uploads/s until saturation", flush=True)
    loop = asyncio.get_running_loop()
    started = loop.time()
    drains = Phase("drains")
    results: list[StepResult] = []
    for index, rate in enumerate(plan.rates):
        traffic.phase = Phase(f"step {index + 1}")
        await traffic.step(index, rate, plan.seconds)
        phase, traffic.phase = traffic.phase, drains
        try:
            at_end = await asyncio.wait_for(lag.lag(), LAG_READ_SECONDS)
        except TimeoutError:  # a broker too busy to answer must not hold the drain up; the report says so
            at_end = {}
        await traffic.drain(plan.drain_seconds)
        result = StepResult(rate, phase, [job for job in traffic.jobs if job.step == index], at_end)
        results.append(result)
        print(f"  step {index + 1} ({rate:g}/s): {len(result.jobs)} jobs served at {_rate(result.served)}"
              f"{', saturated' if result.saturated else ''} ({loop.time() - started:.0f} s in)", flush=True)
        if result.saturated:
            break
    return report(plan, results, traffic.jobs, drains)


def report(plan: Plan, results: list[StepResult], jobs: list[Job], drains: Phase) -> int:
    saturated_at = next((number for number, result in enumerate(results) if result.saturated), len(results))
    for number, result in enumerate(results):
        ends = [job.finished - job.due for job in result.jobs if job.finished is not None]
        print(f"\nstep {number + 1}: {result.rate:g} uploads/s for {plan.seconds:g} s"
              f"{'  (saturated)' if result.saturated else ''}; sends at most "
              f"{result.phase.latest_send * 1000:.0f} ms late")
        for route, stats in sorted(result.phase.routes.items()):
            print(f"  {route:<20} {stats.summary()}")
        print(f"  jobs: {len(result.jobs)} accepted, {len(ends)} ended, served at {_rate(result.served)}; end to end "
              f"p50 {_seconds(percentile(ends, 50))} p95 {_seconds(percentile(ends, 95))}")
        lags = ", ".join(f"{group} {count}" for group, count in result.lag.items()) or "not read"
        print(f"  consumer lag when its uploads stopped: {lags}")
    print("\npolls while the jobs of each step drained")
    for route, stats in sorted(drains.routes.items()):
        print(f"  {route:<20} {stats.summary()}")
    lost = [job for job in jobs if job.finished is None]
    endings = Counter(job.ending for job in jobs if job.finished is not None)
    below = results[:saturated_at]
    server_errors = sum(stats.server_errors for result in below for stats in result.phase.routes.values())
    unsuccessful = [job for result in below for job in result.jobs if job.ending not in ("", "succeeded")]
    print(f"\n{len(jobs)} jobs accepted: {', '.join(f'{n} {s}' for s, n in sorted(endings.items()))}; "
          f"{len(lost)} lost")
    print(f"saturation: {_saturation(results, saturated_at)}; below it, 5xx or no answer: {server_errors}, jobs "
          f"that did not succeed: {len(unsuccessful)}")
    failures = []
    if lost:
        failures.append(f"{len(lost)} jobs never ended, e.g. {', '.join(job.id for job in lost[:3])}")
    if server_errors:
        failures.append(f"{server_errors} requests got a 5xx or no answer below saturation")
    if unsuccessful:
        failures.append(f"{len(unsuccessful)} jobs did not succeed below saturation, e.g. {unsuccessful[0].id}")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _saturation(results: list[StepResult], saturated_at: int) -> str:
    if saturated_at == len(results):
        return f"not reached up to {results[-1].rate:g} uploads/s"
    return f"step {saturated_at + 1} ({results[saturated_at].rate:g} uploads/s)"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}/s"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tenderflow-load-") as scratch:
        sys.exit(asyncio.run(run(plan_from_environment(), Path(scratch))))


if __name__ == "__main__":
    main()
