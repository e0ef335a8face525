"""How services move messages: Kafka in production, an in-process log in embedded mode; both behind one interface."""

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple, Protocol

NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class Record(NamedTuple):
    """A message as it came off a partition; a tuple, since one is made per message and a frozen dataclass took
    three times as long to make."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Mapping[str, str] = NO_HEADERS


PollHandler = Callable[[list[Record]], Awaitable[None]]
"""Takes the records of one poll (in order within each partition); raising has them all delivered again."""

POLL_MAX_RECORDS = 2000
"""At most this many records in one poll: enough to share a transaction, few enough to keep one short."""
POLL_TIMEOUT_MS = 50
"""How long an idle poll waits for a first record; a poll returns as soon as records are there."""
FETCH_BYTES_PER_RECORD = 1024
"""Room a partition's fetch leaves per record of a poll: a partition of a backlog can fill a whole poll in one fetch
(at Kafka's default of 1 MiB, 20,000 job messages came in two polls, and folding each job twice cost a third more)."""


def partition_fetch_bytes(max_records: int) -> int:
    """The most one partition's fetch brings, so that a poll of `max_records` needs a single fetch."""
    return max(1024 * 1024, max_records * FETCH_BYTES_PER_RECORD)


class Lag(NamedTuple):
    """How many records of one partition a consumer group has not read yet."""

    group: str
    topic: str
    partition: int
    messages: int


class Transport(Protocol):
    """Publish keyed records; deliver each topic's records to every consumer group, in order, at least once."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ping(self) -> bool: ...

    async def publish(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None: ...

    def subscribe(self, topics: list[str], group_id: str, handler: PollHandler,
                  max_records: int = POLL_MAX_RECORDS) -> None: ...

    async def consumer_lags(self) -> list[Lag]: ...
