"""Every service reads exactly the topics its routed messages travel on: none that no route of it reads."""

import pytest

from tenderflow_cli.embedded import EmbeddedSystem
from tenderflow_common import topics


class RecordingTransport:
    """Stands in for Kafka while the services are built: only what they subscribe to is kept."""

    def __init__(self) -> None:
        self.subscriptions: dict[str, list[str]] = {}

    def subscribe(self, topic_names, group_id, handler, max_records=None) -> None:
        self.subscriptions[group_id] = list(topic_names)


@pytest.fixture
def built(tmp_path):
    transport = RecordingTransport()
    system = EmbeddedSystem(tmp_path, transport=transport).build()
    return system, transport


def test_no_service_subscribes_to_a_topic_none_of_its_routes_reads(built):
    system, transport = built
    assert set(transport.subscriptions) == {"tenderflow-ingest", "tenderflow-workspace", "tenderflow-questions",
                                            "tenderflow-jobs"}
    for name, service in system.services.items():
        consumer = service.runtime.consumer
        if consumer is None:
            assert f"tenderflow-{name}" not in transport.subscriptions
            continue
        read = {route.message.topic for route in consumer.routes.values()}
        assert set(transport.subscriptions[f"tenderflow-{name}"]) == read, name


def test_no_service_reads_a_command_topic_that_carries_none_of_its_messages(built):
    _system, transport = built
    assert topics.WORKSPACE_COMMANDS not in transport.subscriptions["tenderflow-workspace"]
    assert topics.QUESTIONS_COMMANDS in transport.subscriptions["tenderflow-questions"]
    assert topics.UPLOADS in transport.subscriptions["tenderflow-ingest"]
