"""A periodic sweep goes on at once after a full batch only when it has a batch size, waits its interval
otherwise, and outlives a failing batch: it is logged and tried again at the next turn."""

import asyncio
import logging

import pytest

from tenderflow_common.sweeps import periodic_sweep

LONG = 3600.0


class Counted:
    """A sweep that finds the given counts in turn (then nothing), raising where a count is an exception."""

    def __init__(self, *found: int | Exception) -> None:
        self.found = list(found)
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        found = self.found.pop(0) if self.found else 0
        if isinstance(found, Exception):
            raise found
        return found


async def calls_after_a_while(sweep: Counted, every_seconds: float, batch: int | None) -> int:
    task = asyncio.create_task(periodic_sweep("test sweep", sweep, every_seconds, batch=batch).run())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return sweep.calls


async def test_full_batches_are_swept_again_at_once_until_one_is_short() -> None:
    assert await calls_after_a_while(Counted(5, 5, 3, 5), LONG, batch=5) == 3


async def test_without_a_batch_size_a_sweep_waits_for_its_next_turn_whatever_it_found() -> None:
    assert await calls_after_a_while(Counted(5, 5), LONG, batch=None) == 1


async def test_a_failing_sweep_is_logged_and_tried_again_at_the_next_turn(caplog) -> None:
    caplog.set_level(logging.ERROR)
    sweep = Counted(RuntimeError("database away"), RuntimeError("still away"), 1)

    assert await calls_after_a_while(sweep, 0.01, batch=None) > 3, "the loop kept going after the failures"
    failures = [record for record in caplog.records if record.getMessage() == "test sweep failed; will retry"]
    assert len(failures) == 2
    assert failures[0].exc_info[1].args == ("database away",)
