"""What every answer provider takes and gives, whatever model or service is behind it."""

from dataclasses import dataclass, field
from typing import Literal, Protocol

from tenderflow_common.contracts.questions import Citation
from tenderflow_common.contracts.shared import QuestionSpec
from tenderflow_common.contracts.workspace import Passage

AnswerPath = Literal["extractive", "llm"]


@dataclass(frozen=True)
class AnswerRequest:
    """One question put to a provider, with the passages retrieved for it and the run it belongs to."""

    question: QuestionSpec
    passages: list[Passage]
    model: str
    """The model named after the provider's colon (`gpt-4o-mini` in `openai:gpt-4o-mini`)."""
    run_id: str
    tenant_id: str
    workspace_id: str
    temperature: float = 0.0
    max_tokens: int = 512


@dataclass(frozen=True)
class Usage:
    """Tokens a call spent, as the API reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ProviderAnswer:
    """An answer (None when nothing supports one) with its citations and scores."""

    answer: str | None
    citations: list[Citation]
    confidence: float
    fragment_coverage: float | None
    path: AnswerPath = "extractive"
    grounded: bool | None = None
    """For a model's answer: whether its supporting quote was found in the passage it cited."""
    usage: Usage = field(default_factory=Usage)
    error: str | None = None
    """A stable code when the provider failed for good on this question."""


class AnswerProvider(Protocol):
    """Turns a question and its retrieved passages into an answer."""

    name: str

    async def answer(self, request: AnswerRequest) -> ProviderAnswer: ...


class ProviderFailed(Exception):
    """A provider failed for good on one question; `code` is stable for machines, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
