"""How services move messages: Kafka in production, an in-process log in embedded mode; both behind one interface."""

from collections.abc import Awaitable, Callable
from typing import Protocol

from tenderflow_common.consumer import Record

RecordHandler = Callable[[Record], Awaitable[None]]


class Transport(Protocol):
    """Publish keyed records; deliver each topic's records to every consumer group, in order, at least once."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def ping(self) -> bool: ...

    async def publish(self, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None: ...

    def subscribe(self, topics: list[str], group_id: str, handler: RecordHandler) -> None: ...
