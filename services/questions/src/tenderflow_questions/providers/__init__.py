"""Answer providers behind one interface, chosen per request as `provider:model`."""

import asyncio
from typing import TYPE_CHECKING

from tenderflow_questions.providers.anthropic import AnthropicClient
from tenderflow_questions.providers.anythingllm import AnythingLLMProvider
from tenderflow_questions.providers.base import (
    AnswerProvider,
    AnswerRequest,
    ProviderAnswer,
    ProviderFailed,
    Usage,
)
from tenderflow_questions.providers.extractive import ExtractiveProvider
from tenderflow_questions.providers.model import HybridProvider, ModelProvider
from tenderflow_questions.providers.ollama import OllamaClient
from tenderflow_questions.providers.openai import OpenAIClient

if TYPE_CHECKING:
    from tenderflow_questions.settings import QuestionsSettings


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

    async def aclose(self) -> None:
        """Close the providers' HTTP clients."""
        for provider in self._providers.values():
            if isinstance(provider, ModelProvider | AnythingLLMProvider):
                await provider.aclose()


def default_providers(concurrency: int) -> Providers:
    """The offline provider alone."""
    return Providers([ExtractiveProvider()], concurrency)


def providers_from_settings(settings: "QuestionsSettings") -> Providers:
    """Extractive always; each model provider whose settings say where it is; `hybrid` over those."""
    models: dict[str, ModelProvider] = {}
    if settings.openai.configured:
        # An OpenAI-compatible server may need no key, but the SDK insists on one.
        models["openai"] = ModelProvider(OpenAIClient(api_key=settings.openai.key() or "unused",
                                                      base_url=settings.openai.base_url,
                                                      timeout_seconds=settings.openai.timeout_seconds,
                                                      structured_output=settings.openai.structured_output),
                                         settings.openai.default_model)
    if settings.anthropic.configured:
        models["anthropic"] = ModelProvider(AnthropicClient(api_key=settings.anthropic.key(),
                                                            base_url=settings.anthropic.base_url,
                                                            timeout_seconds=settings.anthropic.timeout_seconds),
                                            settings.anthropic.default_model)
    if settings.ollama.configured:
        models["ollama"] = ModelProvider(OllamaClient(base_url=settings.ollama.base_url,
                                                      timeout_seconds=settings.ollama.timeout_seconds),
                                         settings.ollama.default_model)
    hybrid = [HybridProvider(models)] if models else []
    chat = [AnythingLLMProvider.from_settings(settings.anythingllm)] if settings.anythingllm.configured else []
    return Providers([ExtractiveProvider(), *models.values(), *hybrid, *chat], settings.provider_concurrency)


__all__ = ["AnswerProvider", "AnswerRequest", "ExtractiveProvider", "ProviderAnswer", "ProviderFailed", "Providers",
           "UnknownModel", "Usage", "default_providers", "providers_from_settings"]
