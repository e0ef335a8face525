"""The AsyncAPI 3.0 document of Tenderflow's Kafka messages, built from the registered contracts.

Every registered message becomes a component whose payload is the CloudEvents envelope with `type` fixed to
the message's type and `data` holding the message's own schema; every topic that carries messages becomes a
channel, with its dead-letter topic beside it. `python -m tenderflow_common.asyncapi > docs/asyncapi.json`
writes the committed copy, and a unit test keeps that copy equal to what the code generates."""

import copy
import json
import sys
from importlib.metadata import version

from pydantic.json_schema import models_json_schema

from tenderflow_common import contracts, topics
from tenderflow_common.envelope import STRUCTURED_CONTENT_TYPE, Envelope
from tenderflow_common.messages import Command, Message, registered_messages

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
SCHEMA_REF = "#/components/schemas/{model}"
DEAD_LETTER_HEADERS = {
    "x-dead-letter-reason": "why the message could not be handled",
    "x-original-topic": "the topic it came from",
    "x-original-partition": "its partition there",
    "x-original-offset": "its offset there",
    "x-consumer": "the consumer group that gave up on it",
}
DESCRIPTION = "\n\n".join((
    "Tenderflow's services talk over Apache Kafka. Every message is a CloudEvents 1.0 JSON envelope"
    " (structured mode) with Tenderflow's extensions `tenantid`, `jobid`, `correlationid` and"
    " `causationid`; `type` names the payload and its schema version, and `data` carries the payload."
    " The record key is the job id, so one job's messages stay in order. W3C trace context travels in"
    " the `traceparent` and `tracestate` headers. Delivery is at least once: consumers drop messages"
    " whose `id` they have already processed.",
    "Other systems hand Tenderflow packages by publishing `tenderflow.upload.received.v1` on"
    " `tenderflow.uploads`. A message that still fails after bounded retries goes to `<topic>.dlq` unchanged,"
    " with the reason and its origin in `x-dead-letter-*` and `x-original-*` headers.",
    "Deployments may put a prefix (`TENDERFLOW_KAFKA_TOPIC_PREFIX`) in front of every topic name.",
))

EXAMPLE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACE_HEADERS = {
    "type": "object",
    "properties": {
        "content-type": {"type": "string", "const": STRUCTURED_CONTENT_TYPE,
                         "description": "CloudEvents structured mode (the Kafka protocol binding); may be absent"},
        "traceparent": {"type": "string", "description": "W3C trace context of the step that emitted it"},
        "tracestate": {"type": "string", "description": "W3C vendor trace state"},
    },
}


def channel_id(topic: str) -> str:
    """`tenderflow.ingest.commands` -> `ingest-commands`, `tenderflow.uploads.dlq` -> `uploads-dlq`."""
    return topic.removeprefix("tenderflow.").replace(".", "-")


def _summary(cls: type) -> str:
    return (cls.__doc__ or cls.__name__).strip().splitlines()[0]


def _action(cls: type[Message]) -> str:
    """From Tenderflow's side: commands and the public upload event are received, other events are sent."""
    return "receive" if issubclass(cls, Command) or cls.topic == topics.UPLOADS else "send"


def _envelope_schema(message_type: str, data_ref: dict) -> dict:
    schema = copy.deepcopy(Envelope.model_json_schema())
    schema.pop("title", None)
    schema["properties"]["type"] = {"type": "string", "const": message_type}
    schema["properties"]["data"] = data_ref
    schema["required"] = sorted({*schema.get("required", ()), "type", "data"})
    return schema


def _examples(cls: type[Message], schema: dict) -> list[dict]:
    """Envelopes around the examples a contract gives in its JSON schema, if it gives any."""
    examples = []
    for number, data in enumerate(schema.get("examples", ()), start=1):
        envelope = Envelope.wrap(cls.model_validate(data), source="example-system", tenant_id="acme",
                                 job_id=f"job-{number}", message_id=f"message-{number}")
        payload = envelope.model_dump(mode="json") | {"time": "2026-01-01T00:00:00Z"}
        examples.append({"name": f"{cls.__name__}{number}", "payload": payload,
                         "headers": {"traceparent": EXAMPLE_TRACEPARENT}})
    return examples


def build_document() -> dict:
    """The whole AsyncAPI document as a plain dict, in a stable order."""
    assert contracts  # importing the package registers every contract
    classes = sorted(registered_messages().values(), key=lambda cls: (cls.topic, cls.message_type))
    names = [cls.__name__ for cls in classes]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"message class names must be unique to name messages: {sorted(duplicates)}")
    refs, top = models_json_schema([(cls, "validation") for cls in classes], ref_template=SCHEMA_REF)
    schemas = top.get("$defs", {})

    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    for cls in classes:
        name = cls.__name__
        data_ref = refs[(cls, "validation")]
        data_schema = schemas[data_ref["$ref"].rsplit("/", 1)[1]]
        message = {
            "name": name,
            "title": cls.message_type,
            "summary": _summary(cls),
            "contentType": STRUCTURED_CONTENT_TYPE,
            "headers": TRACE_HEADERS,
            "payload": _envelope_schema(cls.message_type, data_ref),
            "correlationId": {"description": "Shared by every message of one request",
                              "location": "$message.payload#/correlationid"},
            "bindings": {"kafka": {"key": {"type": "string", "description": "the job id"},
                                   "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        if examples := _examples(cls, data_schema):
            message["examples"] = examples
        messages[name] = message
        for topic in (cls.topic, topics.dead_letters(cls.topic)):
            channel = channels.setdefault(channel_id(topic), _channel(topic))
            channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        action = _action(cls)
        operations[f"{action}{name}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel_id(cls.topic)}"},
            "summary": _summary(cls),
            "messages": [{"$ref": f"#/channels/{channel_id(cls.topic)}/messages/{name}"}],
        }

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Tenderflow messages", "version": version("tenderflow-common"),
                 "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka",
                              "description": "The broker `make infra-up` starts"}},
        "channels": dict(sorted(channels.items())),
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def _channel(topic: str) -> dict:
    if topic.endswith(".dlq"):
        headers = ", ".join(f"`{name}` ({meaning})" for name, meaning in DEAD_LETTER_HEADERS.items())
        description = (f"Dead letters of `{topic.removesuffix('.dlq')}`: the original record, unchanged, "
                       f"with the headers {headers}.")
    elif topic == topics.UPLOADS:
        description = "The public entry for other systems: packages they have already put in storage."
    else:
        owner, kind = topic.split(".")[1:3]
        description = f"{kind.capitalize()} {'for' if kind == 'commands' else 'from'} the {owner} service."
    return {"address": topic, "description": description, "messages": {},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}}}


def render() -> str:
    """The document as the JSON text committed in `docs/asyncapi.json`."""
    return json.dumps(build_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
