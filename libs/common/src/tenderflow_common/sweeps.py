"""Periodic sweeps: upkeep a service does in batches for its whole life, where a failed batch is logged and
tried again at the next turn, never ending the service."""

from collections.abc import Awaitable, Callable

from tenderflow_common.work import WakeablePoll

SweepOnce = Callable[[], Awaitable[int]]


def periodic_sweep(name: str, sweep_once: SweepOnce, every_seconds: float, *, batch: int | None = None) -> WakeablePoll:
    """Runs `sweep_once` (one batch; how many rows it found) every `every_seconds`. Given `batch`, a full batch
    sweeps again at once, since what it found is gone; without, what a sweep finds stays until the events it
    emitted are folded, so a repeat would only find it again and waits for the next turn."""

    async def step() -> bool:
        found = await sweep_once()
        return batch is not None and found >= batch

    return WakeablePoll(name, step, every_seconds)
