"""`hybrid:` keeps a confident extractive answer and asks the model only below the cut-off."""

import pytest

from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_questions.providers import AnswerRequest, ProviderAnswer
from tenderflow_questions.providers import model as model_module
from tenderflow_questions.providers.model import HYBRID_CONFIDENCE, HybridProvider


class RecordingModel:
    """A model provider that says what it was asked, so the test sees whether hybrid called it."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def ask_model(self, request: AnswerRequest, extractive: ProviderAnswer) -> ProviderAnswer:
        self.asked.append(request.model)
        return ProviderAnswer(answer="from the model", citations=[], confidence=0.9, fragment_coverage=None,
                              path="model")


def extractive_at(confidence: float, answer: str | None = "Port of Tallinn"):
    async def answer_with(_self, _request: AnswerRequest) -> ProviderAnswer:
        return ProviderAnswer(answer=answer, citations=[], confidence=confidence, fragment_coverage=None)
    return answer_with


REQUEST = AnswerRequest(question=QuestionSpec(id="buyer", text="Who is the buyer?"), passages=[],
                        model="openai:small-model", run_id="r", tenant_id="t", workspace_id="w")


@pytest.mark.parametrize(("confidence", "answer", "asks_model"), [
    (HYBRID_CONFIDENCE, "Port of Tallinn", False),
    (0.9, "Port of Tallinn", False),
    (HYBRID_CONFIDENCE - 0.01, "Port of Tallinn", True),
    (0.0, None, True),
])
async def test_the_model_is_asked_only_below_the_cut_off(monkeypatch, confidence, answer, asks_model) -> None:
    monkeypatch.setattr(model_module.ExtractiveProvider, "answer", extractive_at(confidence, answer))
    model = RecordingModel()

    result = await HybridProvider({"openai": model}).answer(REQUEST)

    assert model.asked == (["small-model"] if asks_model else [])
    assert result.path == ("model" if asks_model else "extractive")
