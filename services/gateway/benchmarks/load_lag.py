"""Consumer lag of every group of one deployment (its topic prefix), read from Kafka as an operator would."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient


class LagReader:
    """Committed offsets of each group against the partitions' ends; clients kept open so a reading is quick."""

    def __init__(self, bootstrap_servers: str, prefix: str) -> None:
        self.prefix = prefix
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        # No group: it only asks for end offsets, and must not join (and rebalance) any group it measures.
        self._ends = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)

    async def start(self) -> None:
        await self._admin.start()
        await self._ends.start()

    async def stop(self) -> None:
        await self._ends.stop()
        await self._admin.close()

    async def lag(self) -> dict[str, int]:
        """Messages each group has yet to commit, summed over its partitions, by group name without the prefix."""
        listed = await self._admin.list_consumer_groups()
        groups = sorted(group for group, *_ in listed if group.startswith(self.prefix))
        lags: dict[str, int] = {}
        for group in groups:
            committed = await self._admin.list_consumer_group_offsets(group)
            ends = await self._ends.end_offsets(list(committed)) if committed else {}
            lags[group.removeprefix(self.prefix)] = sum(max(0, ends[partition] - offset.offset)
                                                        for partition, offset in committed.items())
        return lags
