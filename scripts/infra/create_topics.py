"""Creates the project's Kafka topics when missing, so nothing relies on broker auto-creation; logs in with the
TENDERFLOW_KAFKA_* security settings the services use (the Helm hook runs it against secured brokers), and puts
TENDERFLOW_KAFKA_TOPIC_PREFIX in front of every name, as the services do."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

from tenderflow_common.kafka_security import client_options
from tenderflow_common.settings import KafkaSettings
from tenderflow_common.topics import ALL_TOPICS


async def create_topics(bootstrap: str, partitions: int, replication: int) -> list[str]:
    settings = KafkaSettings(bootstrap_servers=bootstrap)
    names = [settings.topic_prefix + topic for topic in ALL_TOPICS]
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in names if t not in existing]
        if missing:
            response = await admin.create_topics(
                [NewTopic(t, num_partitions=partitions, replication_factor=replication) for t in missing],
                timeout_ms=30000,
            )
            for topic, code, *rest in response.topic_errors:
                if code and for_code(code) is not TopicAlreadyExistsError:
                    message = rest[0] if rest else ""
                    raise SystemExit(f"creating {topic} failed: {for_code(code).__name__} {message}")
        await wait_for_leaders(admin, names)
        return missing
    finally:
        await admin.close()


async def wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str], wait_seconds: float = 30.0) -> None:
    """Returns once every partition of `topics` has a leader, so first produces don't bounce."""
    deadline = time.monotonic() + wait_seconds
    while True:
        described = await admin.describe_topics(topics)
        pending = [
            t["topic"]
            for t in described
            if t["error_code"] or not t["partitions"] or any(p["leader"] < 0 for p in t["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"topics without leaders after {wait_seconds:.0f}s: {', '.join(pending)}")
        await asyncio.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--replication-factor", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    created = asyncio.run(create_topics(args.bootstrap, args.partitions, args.replication_factor))
    print(f"topics: {len(ALL_TOPICS)} present, {len(created)} created")


if __name__ == "__main__":
    sys.exit(main())
