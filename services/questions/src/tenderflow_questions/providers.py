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
        extracted = answering.answer_question(
            answering.Question.model_validate(question.model_dump()),
            [answering.Passage.model_validate(p.model_dump()) for p in passages],
        )
        answered = extracted.answer is not None
        return ProviderAnswer(
            answer=extracted.answer,
            citations=[Citation(file=c.file, page=c.page, path=c.path, row=c.row, snippet=c.snippet)
                       for c in extracted.citations],
            confidence=answering.confidence(extracted.components, answered=answered),
            fragment_coverage=extracted.components.fragment_coverage,
        )


PROVIDERS: dict[str, AnswerProvider] = {"extractive": ExtractiveProvider()}


def provider_for(model: str) -> AnswerProvider:
    """The provider named before the colon of `provider:model`."""
    provider_name = model.split(":", 1)[0]
    provider = PROVIDERS.get(provider_name)
    if provider is None:
        raise UnknownModel(f"unknown model provider {provider_name!r}; available: {', '.join(sorted(PROVIDERS))}")
    return provider
