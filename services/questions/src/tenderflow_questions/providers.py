"""Answer providers behind one interface, chosen per request as `provider:model`."""

import asyncio
from dataclasses import dataclass
from typing import Protocol

from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage
from tenderflow_questions import answering


@dataclass(frozen=True)
class ProviderAnswer:
    """An answer (None when nothing supports one) with its citations and scores."""

    answer: str | None
    citations: list[Citation]
    confidence: float
    fragment_coverage: float | None


class AnswerProvider(Protocol):
    """Turns a question and retrieved passages into an answer."""

    name: str

    async def answer(self, question: QuestionSpec, passages: list[Passage]) -> ProviderAnswer: ...


class UnknownModel(ValueError):
    """The request names a provider this installation does not have."""


class ExtractiveProvider:
    """Offline and deterministic: typed span extraction from the passages themselves."""

    name = "extractive"

    async def answer(self, question: QuestionSpec, passages: list[Passage]) -> ProviderAnswer:
        return await asyncio.to_thread(self._answer, question, passages)

    @staticmethod
    def _answer(question: QuestionSpec, passages: list[Passage]) -> ProviderAnswer:
        extracted = answering.answer_question(question, passages)
        answered = extracted.answer is not None
        return ProviderAnswer(
            answer=extracted.answer,
            citations=extracted.citations,
            confidence=answering.confidence(extracted.components, answered=answered),
            fragment_coverage=extracted.components.fragment_coverage,
        )


class Providers:
    """The answer providers of this installation by name, each with its own bound on calls in flight."""

    def __init__(self, providers: list[AnswerProvider], concurrency: int) -> None:
        self._providers = {provider.name: provider for provider in providers}
        self._slots = {provider.name: asyncio.Semaphore(concurrency) for provider in providers}

    def for_model(self, model: str) -> AnswerProvider:
        """The provider named before the colon of `provider:model`."""
        name = model.split(":", 1)[0]
        provider = self._providers.get(name)
        if provider is None:
            raise UnknownModel(f"unknown model provider {name!r}; available: {', '.join(sorted(self._providers))}")
        return provider

    def slots(self, name: str) -> asyncio.Semaphore:
        """Held around each call, so a provider never has more than `concurrency` calls in flight."""
        return self._slots[name]


def default_providers(concurrency: int) -> Providers:
    return Providers([ExtractiveProvider()], concurrency)
