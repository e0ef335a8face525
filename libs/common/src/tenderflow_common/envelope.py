"""The CloudEvents 1.0 envelope (structured JSON mode) with Tenderflow's tracing extensions."""

import functools
import operator
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import NAMESPACE_URL

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from uuid6 import uuid7

from tenderflow_common.messages import Message

# The Kafka protocol binding's structured mode: the record's value is the whole event in the JSON event format.
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"


def new_id() -> str:
    """A fresh message or job identifier, time-ordered (UUIDv7): each id lands at the end of the unique indexes
    that hold them (processed marks, the outbox, jobs), where a random one would land on any page of them."""
    return str(uuid7())


def stable_id(*parts: str) -> str:
    """The same id for the same fact, so re-emitting it after a crash is deduplicated downstream."""
    return str(uuid.uuid5(NAMESPACE_URL, "tenderflow:" + "/".join(parts)))


class Envelope(BaseModel):
    """CloudEvents attributes plus tenant, job, correlation and causation ids; `data` is the payload."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: str = "1.0"
    id: str = Field(default_factory=new_id, min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    type: str = Field(min_length=1, max_length=200)
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = Field(default=None, max_length=500)
    datacontenttype: str = "application/json"
    tenantid: str = Field(min_length=1, max_length=200)
    jobid: str = Field(min_length=1, max_length=200)
    correlationid: str = Field(min_length=1, max_length=200)
    causationid: str | None = Field(default=None, max_length=200)
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        payload: Message,
        *,
        source: str,
        tenant_id: str,
        job_id: str,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        subject: str | None = None,
        message_id: str | None = None,
    ) -> "Envelope":
        """Put a payload in an envelope; a first message starts its own correlation."""
        message_id = message_id or new_id()
        return cls(
            id=message_id,
            source=source,
            type=payload.message_type,
            subject=subject,
            tenantid=tenant_id,
            jobid=job_id,
            correlationid=correlation_id or message_id,
            causationid=causation_id,
            data=payload.model_dump(mode="json"),
        )

    def follow(self, payload: Message, *, source: str, subject: str | None = None,
               message_id: str | None = None) -> "Envelope":
        """Envelope for a message caused by this one: same tenant, job and correlation."""
        return Envelope.wrap(
            payload,
            source=source,
            tenant_id=self.tenantid,
            job_id=self.jobid,
            correlation_id=self.correlationid,
            causation_id=self.id,
            subject=subject,
            message_id=message_id,
        )

    def to_bytes(self) -> bytes:
        """Wire form: one JSON object."""
        return self.model_dump_json().encode()


@functools.cache
def _carrying(message: type[Message]) -> type[Envelope]:
    """The envelope of one message type, whose `data` is that message itself."""
    return create_model(f"{message.__name__}Envelope", __base__=Envelope,
                        type=(Literal[message.message_type], ...), data=(message, ...))


def one_pass_decoder(messages: Iterable[type[Message]]) -> Callable[[bytes], Envelope]:
    """Validate a record's envelope and its payload in one pass, chosen by its `type`: `data` is then the payload.

    pydantic-core builds the payload straight from the JSON, where an envelope with a free-form `data` first builds
    it as dicts and lists that are then validated again. A record of another type, or with a malformed envelope or
    payload, raises ValidationError."""
    carriers = tuple(_carrying(message) for message in messages)
    if len(carriers) == 1:
        return TypeAdapter(carriers[0]).validate_json
    return TypeAdapter(Annotated[functools.reduce(operator.or_, carriers), Field(discriminator="type")]).validate_json
