"""The offline provider: typed span extraction from the retrieved passages themselves."""

import asyncio

from tenderflow_questions import answering
from tenderflow_questions.providers.base import AnswerRequest, ProviderAnswer


class ExtractiveProvider:
    """Offline and deterministic; needs no key, no network and no model."""

    name = "extractive"

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        return await asyncio.to_thread(self._answer, request)

    @staticmethod
    def _answer(request: AnswerRequest) -> ProviderAnswer:
        extracted = answering.answer_question(request.question, request.passages)
        answered = extracted.answer is not None
        return ProviderAnswer(
            answer=extracted.answer,
            citations=extracted.citations,
            confidence=answering.confidence(extracted.components, answered=answered),
            fragment_coverage=extracted.components.fragment_coverage,
        )
