"""The arithmetic of the gateway load run, free of I/O so that it is checked without a stack: when each upload is
sent, which tenant sends it, percentiles, and when a step counts as saturated."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

# A step is saturated when its jobs finish at less than this share of the rate they arrived at.
FOLLOW_FLOOR = 0.8


@dataclass(frozen=True)
class Arrival:
    """One upload: when it is due (seconds from the step's start) and the tenant that sends it."""

    at: float
    tenant: int


def arrivals(rate: float, seconds: float, tenants: int) -> list[Arrival]:
    """Uploads evenly spaced by the clock, tenants in turn: the schedule never waits for a response, so a slow
    gateway cannot thin the load it is measured under (no coordinated omission)."""
    count = math.floor(rate * seconds + 1e-9)
    return [Arrival(at=index / rate, tenant=index % tenants) for index in range(count)]


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..100): always a value that was measured; None when nothing was."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def completion_rate(finished: Sequence[float]) -> float | None:
    """Jobs a second over the span their completions took: the rate a cohort was served at, whatever its latency
    (a job taking longer than a step shifts the span, it does not shorten it). None for fewer than two jobs."""
    if len(finished) < 2:
        return None
    span = max(finished) - min(finished)
    return (len(finished) - 1) / span if span > 0 else float("inf")


def follows(rate: float, served: float | None) -> bool:
    """Whether a step's jobs were served at about the rate they arrived (one job or none tells nothing)."""
    return served is None or served >= FOLLOW_FLOOR * rate


@dataclass
class RouteStats:
    """What one route answered during a step: latencies from each request's scheduled time, and statuses."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def add(self, latency: float, status: int | str) -> None:
        self.latencies.append(latency)
        self.statuses[status] += 1

    @property
    def server_errors(self) -> int:
        """5xx answers, and requests that got no answer at all (a timeout or a refused connection)."""
        return sum(count for status, count in self.statuses.items() if isinstance(status, str) or status >= 500)

    def summary(self) -> str:
        p50, p95, p99 = (percentile(self.latencies, share) for share in (50, 95, 99))
        errors = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items(), key=str)
                           if not (isinstance(status, int) and status < 400)) or "none"
        return (f"{len(self.latencies):6d} requests  p50 {_ms(p50)}  p95 {_ms(p95)}  p99 {_ms(p99)}  "
                f"errors {errors}")


def _ms(seconds: float | None) -> str:
    return "      -" if seconds is None else f"{seconds * 1000:7.0f} ms"
