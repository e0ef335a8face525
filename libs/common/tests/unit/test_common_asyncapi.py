"""The committed AsyncAPI document is what the contracts generate, and it names every registered message."""

import json
from pathlib import Path
from typing import ClassVar

from pydantic import ConfigDict

from tenderflow_common import contracts, topics
from tenderflow_common.asyncapi import _examples, build_document, channel_id, render
from tenderflow_common.messages import Event, registered_messages

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "asyncapi.json"


def resolve(document: dict, ref: str) -> dict:
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs_in(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def test_the_committed_document_is_what_the_code_generates():
    assert COMMITTED.is_file(), "run `python -m tenderflow_common.asyncapi > docs/asyncapi.json`"
    assert COMMITTED.read_text() == render(), (
        "docs/asyncapi.json is stale: run `python -m tenderflow_common.asyncapi > docs/asyncapi.json`")


def test_every_registered_message_has_its_type_topic_and_schema():
    assert contracts
    document = build_document()
    registered = registered_messages()
    assert len(document["components"]["messages"]) == len(registered) > 0
    for message_type, cls in registered.items():
        message = document["components"]["messages"][cls.__name__]
        payload = message["payload"]
        assert payload["properties"]["type"]["const"] == message_type
        data = resolve(document, payload["properties"]["data"]["$ref"])
        assert set(data["properties"]) == set(cls.model_fields)
        channel = document["channels"][channel_id(cls.topic)]
        assert channel["address"] == cls.topic
        assert channel["messages"][cls.__name__] == {"$ref": f"#/components/messages/{cls.__name__}"}
        assert cls.__name__ in document["channels"][channel_id(topics.dead_letters(cls.topic))]["messages"]


def test_the_envelope_is_the_cloudevents_one():
    payload = build_document()["components"]["messages"]["IngestPackage"]["payload"]
    assert {"specversion", "id", "source", "type", "time", "tenantid", "jobid", "correlationid",
            "causationid", "data"} <= set(payload["properties"])
    assert {"source", "type", "tenantid", "jobid", "correlationid", "data"} <= set(payload["required"])
    assert payload["additionalProperties"] is False


def test_the_public_upload_event_is_received_on_the_uploads_topic():
    document = build_document()
    uploads = [cls for cls in registered_messages().values() if cls.topic == topics.UPLOADS]
    for cls in uploads:
        operation = document["operations"][f"receive{cls.__name__}"]
        assert operation["channel"] == {"$ref": f"#/channels/{channel_id(topics.UPLOADS)}"}


def test_every_reference_resolves():
    document = json.loads(render())
    for ref in refs_in(document):
        assert resolve(document, ref), ref


class Sample(Event):
    """A message that is never registered, with an example in its schema."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"object": "tenants/acme/uploads/a.zip"}]})
    message_type: ClassVar[str] = "tenderflow.test.sample.v1"
    topic: ClassVar[str] = topics.UPLOADS

    object: str


def test_examples_a_contract_gives_become_whole_envelopes():
    [example] = _examples(Sample, Sample.model_json_schema())
    assert example["payload"]["type"] == "tenderflow.test.sample.v1"
    assert example["payload"]["data"] == {"object": "tenants/acme/uploads/a.zip"}
    assert example["payload"]["tenantid"] and example["headers"]["traceparent"]
