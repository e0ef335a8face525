"""Value types that several services' messages carry."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentType = Literal["pdf", "json", "csv", "xml", "xlsx", "docx", "text"]

DEFAULT_MODEL = "extractive:default"
DEFAULT_WORKSPACE = "default"


class Strict(BaseModel):
    """Base for contract values: unknown fields are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionSpec(Strict):
    """One question; expected fragments feed the confidence score, document types route retrieval."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: str = Field(min_length=1, max_length=2000)
    expected_fragments: list[str] = Field(default_factory=list, max_length=50)
    document_types: list[DocumentType] = Field(default_factory=list)


class JobRequest(Strict):
    """What the client asked for: where to index and which questions to run with which model."""

    workspace: str = Field(default=DEFAULT_WORKSPACE, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    questions: list[QuestionSpec] | None = Field(default=None, max_length=500)
    question_set: str | None = Field(default=None, max_length=100)
    model: str = Field(default=DEFAULT_MODEL, pattern=r"^[a-z0-9_-]+:.+$", max_length=200)
    compare_with: list[Annotated[str, Field(pattern=r"^[a-z0-9_-]+:.+$", max_length=200)]] = Field(
        default_factory=list, max_length=4)
    """More models to answer every question with, beside `model`, to compare them on one package."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    """Sampling temperature for model-backed providers; the installation's default when unset."""
    max_tokens: int | None = Field(default=None, ge=16, le=8192)
    """Completion tokens per question for model-backed providers; the installation's default when unset."""
    token_budget: int | None = Field(default=None, ge=1, le=100_000_000)
    """Prompt and completion tokens the whole job may spend; past it, no more questions are put to a model."""

    @property
    def models(self) -> list[str]:
        """Every model the job answers with, `model` first, each once."""
        return list(dict.fromkeys([self.model, *self.compare_with]))


class FileVerdict(Strict):
    """Whether one file of a package was accepted, and why not when it was rejected."""

    name: str
    accepted: bool
    code: str | None = None
    reason: str | None = None
    size: int = 0
    doc_type: DocumentType | None = None
