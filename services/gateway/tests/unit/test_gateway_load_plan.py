"""The load run's schedule, percentiles and saturation rule (benchmarks/load_plan.py, which `make load` runs)."""

import importlib.util
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "benchmarks" / "load_plan.py"
# The benchmarks are scripts beside the package, not part of it: loaded from their file (and registered, as its
# dataclasses look their module up while they are built).
_spec = importlib.util.spec_from_file_location("gateway_benchmarks_load_plan", SOURCE)
load_plan = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_plan)


def test_arrivals_are_evenly_spaced_by_the_clock_and_shared_by_the_tenants_in_turn():
    schedule = load_plan.arrivals(rate=4, seconds=2, tenants=3)

    assert [arrival.at for arrival in schedule] == [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]
    assert [arrival.tenant for arrival in schedule] == [0, 1, 2, 0, 1, 2, 0, 1]


@pytest.mark.parametrize(("rate", "seconds", "count"), [(0.5, 12, 6), (0.3, 10, 3), (8, 60, 480), (0.5, 1, 0)])
def test_a_step_sends_rate_times_seconds_uploads_and_none_at_or_after_its_end(rate, seconds, count):
    schedule = load_plan.arrivals(rate=rate, seconds=seconds, tenants=4)

    assert len(schedule) == count
    assert all(arrival.at < seconds for arrival in schedule)


def test_percentiles_are_nearest_rank_so_each_is_a_measured_value():
    latencies = [float(n) for n in range(100, 0, -1)]

    assert load_plan.percentile(latencies, 50) == 50
    assert load_plan.percentile(latencies, 95) == 95
    assert load_plan.percentile(latencies, 99) == 99
    assert load_plan.percentile(latencies, 100) == 100
    assert load_plan.percentile([0.2, 7.0], 99) == 7.0
    assert load_plan.percentile([3.0], 50) == 3.0
    assert load_plan.percentile([], 50) is None


def test_a_cohort_is_served_at_its_jobs_over_their_completions_span_whatever_their_latency():
    arrived_each_half_second = [0.5 * n for n in range(11)]
    kept_up = [due + 30.0 for due in arrived_each_half_second]  # 30 s each, longer than a step
    fell_behind = [30.0 + 1.5 * n for n in range(11)]  # one every 1.5 s however fast they came

    assert load_plan.completion_rate(kept_up) == pytest.approx(2.0)
    assert load_plan.completion_rate(fell_behind) == pytest.approx(1 / 1.5)
    assert load_plan.completion_rate([4.0]) is None
    assert load_plan.completion_rate([4.0, 4.0]) == float("inf")


def test_a_step_is_saturated_when_its_jobs_are_served_below_four_fifths_of_their_arrival_rate():
    assert load_plan.follows(2.0, 1.6)
    assert load_plan.follows(2.0, 5.0)
    assert not load_plan.follows(2.0, 1.5)
    assert load_plan.follows(2.0, None)


def test_route_stats_count_5xx_and_missing_answers_as_server_errors_but_not_429():
    stats = load_plan.RouteStats()
    for latency, status in ((0.01, 200), (0.02, 429), (0.5, 503), (30.0, "timeout"), (0.03, 202)):
        stats.add(latency, status)

    assert stats.server_errors == 2
    summary = stats.summary()
    assert "429: 1" in summary and "503: 1" in summary and "timeout: 1" in summary
    assert "200:" not in summary and "202:" not in summary
    assert "p50      30 ms" in summary
