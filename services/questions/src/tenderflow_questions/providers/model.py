"""A provider backed by a model: the offline answer first, then the model's, grounded and scored.

Every model-backed provider (`openai`, `anthropic`, `ollama`) is this class around a `ModelClient` that speaks
one API with its own SDK. The extractive answer is computed first: `hybrid:` providers return it when it is
confident and ask the model only otherwise; the others ask the model and use the extractive answer as a second
opinion in the confidence.
"""

from dataclasses import dataclass, replace
from typing import Protocol

from tenderflow_questions.answering.confidence import fragment_coverage
from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderAnswer, ProviderFailed, Usage
from tenderflow_questions.providers.extractive import ExtractiveProvider
from tenderflow_questions.providers.observed import observed
from tenderflow_questions.providers.resilience import Resilience

HYBRID_CONFIDENCE = 0.35
"""An extractive answer at least this confident is kept by `hybrid:` providers without asking the model: on the
evaluation's dev set no wrong extractive answer reaches it, and most right ones do (see the README)."""


@dataclass(frozen=True)
class Completion:
    """What the model replied (None when nothing usable came back) and the tokens it cost."""

    reply: llm.ModelReply | None
    usage: Usage


class ModelClient(Protocol):
    """One model API through its SDK: a single completion of the procurement prompt, errors left to `resilience`."""

    name: str
    resilience: Resilience

    async def complete(self, request: AnswerRequest) -> Completion: ...

    async def aclose(self) -> None: ...


class ModelProvider:
    """Answers with a model, checks the quote against the passages and scores the answer."""

    def __init__(self, client: ModelClient, default_model: str | None = None) -> None:
        self.name = client.name
        self._client = client
        self._default_model = default_model
        self._extractive = ExtractiveProvider()

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        extractive = await self._extractive.answer(request)
        return await self.ask_model(request, extractive)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def ask_model(self, request: AnswerRequest, extractive: ProviderAnswer) -> ProviderAnswer:
        model = request.model if request.model not in ("", "default") else self._default_model
        if not model:
            raise ProviderFailed("model_not_named", f"name a model, as in {self.name}:<model>")
        request = replace(request, model=model)
        if not request.passages:
            return ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None, path="llm")
        completion = await observed(self.name, model, lambda: self._client.resilience.call(
            lambda: self._client.complete(request)))
        return score(request, completion, extractive)


def score(request: AnswerRequest, completion: Completion, extractive: ProviderAnswer) -> ProviderAnswer:
    """The model's reply as an answer: grounded or not, cited, and with its confidence."""
    answer = llm.answer_of(completion.reply)
    if answer is None or completion.reply is None:
        return ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None, path="llm",
                              usage=completion.usage)
    found = llm.ground(completion.reply, request.passages)
    citations = [llm.citation(found.passage, completion.reply.quote)] if found.passage else []
    coverage = fragment_coverage(request.question.expected_fragments or [], answer,
                                 [c.snippet for c in citations])
    confidence = llm.llm_confidence(grounded=found.grounded, retrieval=found.passage.score if found.passage else 0.0,
                                    agreement=llm.agrees(answer, extractive.answer), fragment_coverage=coverage)
    return ProviderAnswer(answer=answer, citations=citations, confidence=confidence, fragment_coverage=coverage,
                          path="llm", grounded=found.grounded, usage=completion.usage)


class HybridProvider:
    """`hybrid:<provider>:<model>`: the extractive answer when it is confident, the model's otherwise."""

    name = "hybrid"

    def __init__(self, models: dict[str, ModelProvider]) -> None:
        self._models = models
        self._extractive = ExtractiveProvider()

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        provider_name, _, model = request.model.partition(":")
        provider = self._models.get(provider_name)
        if provider is None:
            raise ProviderFailed("unknown_provider", f"hybrid needs a model provider, not {provider_name!r}")
        extractive = await self._extractive.answer(request)
        if extractive.answer is not None and extractive.confidence >= HYBRID_CONFIDENCE:
            return extractive
        return await provider.ask_model(replace(request, model=model), extractive)
