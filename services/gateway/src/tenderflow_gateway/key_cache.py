"""Live API keys remembered for a few seconds, so a client polling a job costs no database round trips per request.

A revoked or expired key is refused at the latest `ttl_seconds` after the change: each entry is looked up again
once its time is up, and a key past its own expiry is never answered from memory."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tenderflow_gateway.domain import hash_api_key
from tenderflow_gateway.repository import LiveKey

REFRESH_AHEAD = 0.2


class KeyCache:
    """An LRU of key hashes to live keys (never the secrets themselves), each trusted for `ttl_seconds`."""

    def __init__(self, ttl_seconds: float, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, LiveKey]] = OrderedDict()
        self._loading: dict[str, asyncio.Task[LiveKey | None]] = {}

    async def live(self, key: str, load: Callable[[], Awaitable[LiveKey | None]]) -> LiveKey | None:
        """The live key from memory, else from `load`: one load per key at a time, however many requests wait for
        it, so a burst of polls does not become a burst of database queries. An entry in the last fifth of its
        time is looked up again in the background while it still answers, so a polled key never waits."""
        digest = hash_api_key(key)
        if (found := self.get(key)) is not None:
            if self._entries[digest][0] - self._clock() < self.ttl_seconds * REFRESH_AHEAD:
                self._lookup(key, digest, load)
            return found
        return await asyncio.shield(self._lookup(key, digest, load))

    def _lookup(self, key: str, digest: str, load: Callable[[], Awaitable[LiveKey | None]]) -> asyncio.Task:
        loading = self._loading.get(digest)
        if loading is None:
            loading = self._loading[digest] = asyncio.ensure_future(self._load(key, digest, load))
            loading.add_done_callback(self._loaded)
        return loading

    async def _load(self, key: str, digest: str, load: Callable[[], Awaitable[LiveKey | None]]) -> LiveKey | None:
        try:
            found = await load()
        finally:
            self._loading.pop(digest, None)
        if found is None:
            self._entries.pop(digest, None)
        else:
            self.put(key, found)
        return found

    @staticmethod
    def _loaded(loading: asyncio.Task) -> None:
        # A lookup ahead of time has no one waiting for it: its failure is the next request's to see, not a warning.
        if not loading.cancelled():
            loading.exception()

    def get(self, key: str) -> LiveKey | None:
        """The live key remembered for this secret, if it is still within its time and not expired."""
        digest = hash_api_key(key)
        entry = self._entries.get(digest)
        if entry is None:
            return None
        until, found = entry
        if self._clock() >= until or (found.expires_at is not None and found.expires_at <= datetime.now(UTC)):
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return found

    def forget(self, key_id: str) -> None:
        """Drop a key revoked through this replica at once."""
        for digest in [digest for digest, (_, found) in self._entries.items() if found.id == key_id]:
            del self._entries[digest]

    def put(self, key: str, found: LiveKey) -> None:
        if self.ttl_seconds <= 0:
            return
        digest = hash_api_key(key)
        self._entries[digest] = (self._clock() + self.ttl_seconds, found)
        self._entries.move_to_end(digest)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
