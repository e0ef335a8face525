"""The fault suite runs against one stack of the five services as processes over real servers of its own; only
`make faults` (`-m faults`) selects it, so `make test` does not run it a second time."""

import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tenderflow_common.testing.infra import Infra
from tenderflow_common.testing.stack import Stack

from . import separate_infra
from .faults import running_stack, watching
from .ledger import Ledger
from .report import FaultReport
from .watch import JobWatch


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: kills, restarts, duplicates and poison against the running stack")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "faults" in (config.option.markexpr or ""):
        return
    deselected = [item for item in items if item.get_closest_marker("faults")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


@pytest.fixture(scope="session")
def full_run() -> bool:
    """TENDERFLOW_FAULTS_FULL=1: every kill point twice per job and a larger package; CI runs the short variant."""
    return os.environ.get("TENDERFLOW_FAULTS_FULL") == "1"


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """Kafka, PostgreSQL and Redis of the suite's own (separate_infra), since it stops and starts them: the usual
    instance is shared by everything else running on the machine."""
    try:
        yield separate_infra.up()
    finally:
        separate_infra.down()


@pytest.fixture(scope="session")
async def fault_stack(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    # The rate limits on, so that a Redis outage meets them; far above what the suite asks for.
    async with running_stack(infra, tmp_path_factory.mktemp("faults"),
                             TENDERFLOW_GATEWAY_RATE_LIMIT_PER_MINUTE="100000") as stack:
        yield stack


@pytest.fixture(scope="session")
async def watch(fault_stack: Stack) -> AsyncIterator[JobWatch]:
    async with watching(fault_stack) as watch:
        yield watch


@pytest.fixture(scope="session")
def dead_letters_due() -> Counter:
    """Dead letters each topic should hold by now: poison sent times the consumer groups that read it."""
    return Counter()


@pytest.fixture(scope="session")
def ledger(fault_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    return Ledger(fault_stack, tmp_path_factory.mktemp("ledger"))


@pytest.fixture(scope="session")
def report() -> FaultReport:
    """Every fault's ledger and recovery time, written where `make faults` prints it from."""
    root = Path(__file__).resolve().parents[2]
    path = Path(os.environ.get("TENDERFLOW_FAULTS_REPORT", root / ".run" / "faults-report.md"))
    path.unlink(missing_ok=True)  # a note left by an earlier run must not pass for this one's
    return FaultReport(path)
