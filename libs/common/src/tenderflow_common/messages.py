"""Message base classes: every command and event is a strict, versioned pydantic model."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """A payload that travels inside an envelope; `message_type` names it and its schema version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message_type: ClassVar[str]
    topic: ClassVar[str]


class Command(Message):
    """An imperative request with exactly one handler (e.g. `IngestPackage`)."""


class Event(Message):
    """A past-tense fact that any number of consumers may react to (e.g. `PackageIngested`)."""


_REGISTRY: dict[str, type[Message]] = {}


def register(*message_classes: type[Message]) -> None:
    """Make message classes resolvable from the `type` attribute of an envelope."""
    for cls in message_classes:
        existing = _REGISTRY.get(cls.message_type)
        if existing is not None and existing is not cls:
            raise ValueError(f"message type {cls.message_type} registered twice")
        _REGISTRY[cls.message_type] = cls


def message_class(message_type: str) -> type[Message] | None:
    """The payload class registered for a CloudEvents `type`, if any."""
    return _REGISTRY.get(message_type)


def registered_messages() -> dict[str, type[Message]]:
    """Every registered message class by its CloudEvents `type`."""
    return dict(_REGISTRY)
