"""A background loop that drains work recorded in the database, woken on commit and by a poll."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
log = logging.getLogger(__name__)


class Worker(Generic[Item]):
    """Claims one item at a time and processes it; a failure is logged and the loop goes on."""

    def __init__(self, name: str, claim_next: Callable[[], Awaitable[Item | None]],
                 process: Callable[[Item], Awaitable[None]], *, poll_seconds: float = 2.0) -> None:
        self.name = name
        self._claim_next = claim_next
        self._process = process
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """New work was committed; look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                item = await self._claim_next()
                if item is not None:
                    await self._process(item)
                    continue
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s worker failed; will retry", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
