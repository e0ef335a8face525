"""Per-test Kafka topics under a unique prefix, so tests never see each other's (or a dev stack's) messages."""

import uuid

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from tenderflow_common.topics import ALL_TOPICS


def new_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:10]}."


async def create_prefixed_topics(bootstrap_servers: str, prefix: str, partitions: int = 3) -> list[str]:
    """Create every Tenderflow topic under the prefix and return their names."""
    names = [prefix + topic for topic in ALL_TOPICS]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        await admin.close()
    return names


async def delete_topics(bootstrap_servers: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()
