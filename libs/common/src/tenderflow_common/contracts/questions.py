"""Messages and result shapes owned by the questions service."""

from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field
from pydantic import Strict as PydanticStrict

from tenderflow_common import topics
from tenderflow_common.contracts.shared import JobRequest, QuestionSpec, Strict
from tenderflow_common.messages import Command, Event, register


class RunQuestions(Command):
    """Answer questions over a workspace's documents as they are indexed now, without uploading anything."""

    message_type: ClassVar[str] = "tenderflow.questions.run-questions.v1"
    topic: ClassVar[str] = topics.QUESTIONS_COMMANDS
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "workspace_id": "5b0f3c9e2d7a4e18b6c1f0a9d8e7c6b5",
        "request": {"workspace": "harbour", "questions": [{"id": "deadline", "text": "When are bids due?"}],
                    "model": "extractive:default"},
    }]})

    workspace_id: str = Field(min_length=1, max_length=64)
    request: JobRequest
    """Its `workspace` is the workspace's name, for the job's view; the run searches `workspace_id`."""


class RunStarted(Event):
    """A question run began; `questions` is the progress denominator."""

    message_type: ClassVar[str] = "tenderflow.questions.run-started.v1"
    topic: ClassVar[str] = topics.QUESTIONS_EVENTS

    run_id: str
    workspace_id: str
    model: str
    questions: int = Field(ge=0)


class AnswerRecorded(Event):
    """One question has its answer stored."""

    message_type: ClassVar[str] = "tenderflow.questions.answer-recorded.v1"
    topic: ClassVar[str] = topics.QUESTIONS_EVENTS

    run_id: str
    question_id: str
    answered: bool
    confidence: float = Field(ge=0, le=1)
    model: str | None = None


class RunCompleted(Event):
    """Every question of the run has an answer (possibly 'no answer')."""

    message_type: ClassVar[str] = "tenderflow.questions.run-completed.v1"
    topic: ClassVar[str] = topics.QUESTIONS_EVENTS

    run_id: str
    questions: int
    answered: int


class RunFailed(Event):
    """The run stopped before answering everything, or was cancelled."""

    message_type: ClassVar[str] = "tenderflow.questions.run-failed.v1"
    topic: ClassVar[str] = topics.QUESTIONS_EVENTS

    run_id: str
    reason: str
    cancelled: bool = False
    code: str | None = Field(default=None, description="Why it stopped, as a stable code; `reason` is then written "
                             "for the tenant. Unset only in events older than the code, whose reason is not shown.")


register(RunQuestions, RunStarted, AnswerRecorded, RunCompleted, RunFailed)


class Citation(Strict):
    """Where an answer came from."""

    file: str
    page: int | None = None
    path: str | None = None
    row: int | None = None
    snippet: str


class AnswerRow(Strict):
    """One question's answer as clients see it."""

    question_id: str
    question: str
    answer: str | None
    confidence: float = Field(ge=0, le=1)
    fragment_coverage: float | None = None
    citations: list[Citation]
    model: str | None = None
    """The `provider:model` that gave this answer (a job comparing models has one row per question and model)."""
    path: Literal["extractive", "llm"] | None = None
    """Which path answered: the offline extractive rules or a model."""
    grounded: bool | None = None
    """For a model's answer: whether its supporting quote was found in the passage it cites."""
    error: str | None = None
    """A stable code when the provider failed for good on this question (`rate_limited`, `refused`, ...)."""


class Comparison(Strict):
    """Whether the models a job compares gave the same answer to one question."""

    question_id: str
    agree: bool
    answers: dict[str, str | None]


class JobResults(Strict):
    """The results document of a job."""

    job_id: str
    answers: list[AnswerRow]
    comparisons: list[Comparison] = Field(default_factory=list)
    """One per question when the job compared several models."""


class QuestionSetBody(Strict):
    """The questions of a set, with the sampling its models use unless an upload says otherwise."""

    questions: list[QuestionSpec] = Field(min_length=1, max_length=500)
    # Strict: JSON `true` is not a temperature or a token count, though a lax model would read it as 1.
    temperature: Annotated[float, PydanticStrict()] | None = Field(default=None, ge=0, le=2)
    max_tokens: Annotated[int, PydanticStrict()] | None = Field(default=None, ge=16, le=8192)


class QuestionSetView(QuestionSetBody):
    """A named question set; the builtin default cannot be changed."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,99}$")
    builtin: bool = False


class QuestionSetList(Strict):
    """Every set a tenant can use."""

    question_sets: list[QuestionSetView]


class ProviderList(Strict):
    """The answer providers an installation offers, by the name a `model` starts with."""

    providers: list[str]
