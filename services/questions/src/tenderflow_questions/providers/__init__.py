"""Answer providers behind one interface, chosen per request as `provider:model`."""

import asyncio

from tenderflow_questions.providers.base import (
    AnswerProvider,
    AnswerRequest,
    ProviderAnswer,
    ProviderFailed,
    Usage,
)
from tenderflow_questions.providers.extractive import ExtractiveProvider


class UnknownModel(ValueError):
    """The request names a provider this installation does not have."""


class Providers:
    """The answer providers of this installation by name, each with its own bound on calls in flight."""

    def __init__(self, providers: list[AnswerProvider], concurrency: int) -> None:
        self._providers = {provider.name: provider for provider in providers}
        self._slots = {provider.name: asyncio.Semaphore(concurrency) for provider in providers}

    @property
    def names(self) -> list[str]:
        return sorted(self._providers)

    def for_model(self, model: str) -> AnswerProvider:
        """The provider named before the colon of `provider:model`."""
        name = model.split(":", 1)[0]
        provider = self._providers.get(name)
        if provider is None:
            raise UnknownModel(f"unknown model provider {name!r}; available: {', '.join(self.names)}")
        return provider

    def slots(self, name: str) -> asyncio.Semaphore:
        """Held around each call, so a provider never has more than `concurrency` calls in flight."""
        return self._slots[name]


def default_providers(concurrency: int) -> Providers:
    return Providers([ExtractiveProvider()], concurrency)


__all__ = ["AnswerProvider", "AnswerRequest", "ExtractiveProvider", "ProviderAnswer", "ProviderFailed", "Providers",
           "UnknownModel", "Usage", "default_providers"]
