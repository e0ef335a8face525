"""Messages and internal query shapes owned by the workspace service."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic import Strict as PydanticStrict

from tenderflow_common import topics
from tenderflow_common.contracts.shared import DocumentType, JobRequest, Strict
from tenderflow_common.messages import Event, register


class DocumentsIndexed(Event):
    """A package's documents are searchable in a workspace; answering can start."""

    message_type: ClassVar[str] = "tenderflow.workspace.documents-indexed.v1"
    topic: ClassVar[str] = topics.WORKSPACE_EVENTS

    workspace_id: str
    workspace: str
    package_id: str
    backend: str
    documents: int = Field(ge=0)
    chunks: int = Field(ge=0)
    request: JobRequest


class IndexingFailed(Event):
    """The package could not be indexed."""

    message_type: ClassVar[str] = "tenderflow.workspace.indexing-failed.v1"
    topic: ClassVar[str] = topics.WORKSPACE_EVENTS

    workspace: str
    package_id: str
    reason: str


Backend = Literal["builtin", "anythingllm"]


class AnythingLLMOverrides(Strict):
    """What the anythingllm backend pushes to the workspace's AnythingLLM workspace; unset keeps the installation's
    value (TENDERFLOW_ANYTHINGLLM_*)."""

    # Strict: JSON `true` is not a number of passages or a temperature, though a lax model would read it as 1.
    top_n: Annotated[int, PydanticStrict()] | None = Field(default=None, ge=1, le=50)
    similarity_threshold: Annotated[float, PydanticStrict()] | None = Field(default=None, ge=0, le=1)
    temperature: Annotated[float, PydanticStrict()] | None = Field(default=None, ge=0, le=2)


class WorkspaceConfiguration(Strict):
    """A workspace's own defaults; unset values fall back to the installation's."""

    question_set: str | None = Field(default=None, max_length=100, examples=["default"])
    model: str | None = Field(default=None, pattern=r"^[a-z0-9_-]+:.+$", max_length=200,
                              examples=["extractive:default"])
    top_k: Annotated[int, PydanticStrict()] | None = Field(default=None, ge=1, le=100,
                                                         description="Passages retrieved per question.")
    anythingllm: AnythingLLMOverrides | None = Field(
        default_factory=AnythingLLMOverrides, description="Null clears every override; it is never null read back.")

    @field_validator("anythingllm", mode="before")
    @classmethod
    def null_clears_every_override(cls, value: object) -> object:
        """In a merge patch `"anythingllm": null` clears the whole group, so it sets each override to null."""
        return dict.fromkeys(AnythingLLMOverrides.model_fields) if value is None else value


class WorkspaceCreated(Event):
    """A workspace exists: created on request or by the first upload that named it."""

    message_type: ClassVar[str] = "tenderflow.workspace.workspace-created.v1"
    topic: ClassVar[str] = topics.WORKSPACE_EVENTS

    workspace_id: str
    name: str
    backend: Backend
    settings: WorkspaceConfiguration

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"workspace_id": "4d0f2f5e-6c1b-5a43-9d0e-2f1c8a7b3e11", "name": "tenders-2026", "backend": "builtin",
         "settings": {"question_set": "default", "top_k": 8}}]})


class WorkspaceUpdated(Event):
    """A workspace's settings changed; they are the whole new settings, not a difference."""

    message_type: ClassVar[str] = "tenderflow.workspace.workspace-updated.v1"
    topic: ClassVar[str] = topics.WORKSPACE_EVENTS

    workspace_id: str
    name: str
    settings: WorkspaceConfiguration


class WorkspaceDeleted(Event):
    """A workspace is gone: every service deletes what it holds of it (files, answers, runs)."""

    message_type: ClassVar[str] = "tenderflow.workspace.workspace-deleted.v1"
    topic: ClassVar[str] = topics.WORKSPACE_EVENTS

    workspace_id: str
    name: str
    package_ids: list[str] = Field(default_factory=list, description="Packages that were indexed into it.")

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"workspace_id": "4d0f2f5e-6c1b-5a43-9d0e-2f1c8a7b3e11", "name": "tenders-2026",
         "package_ids": ["9b1c3f0e-2d4a-5e6f-8a7b-1c2d3e4f5a6b"]}]})


register(DocumentsIndexed, IndexingFailed, WorkspaceCreated, WorkspaceUpdated, WorkspaceDeleted)


IndexingStatus = Literal["empty", "indexing", "indexed", "failed"]


class NewWorkspace(Strict):
    """A workspace to create; its name is what uploads name it by."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$", examples=["tenders-2026"])
    backend: Backend = "builtin"
    settings: WorkspaceConfiguration = Field(default_factory=WorkspaceConfiguration)


class WorkspaceChange(Strict):
    """A merge patch (RFC 7396) of the settings: a field sent replaces, null clears, a field left out stays."""

    settings: WorkspaceConfiguration


class WorkspaceView(Strict):
    """A workspace with what it holds and how its indexing stands."""

    id: str
    name: str
    backend: Backend
    settings: WorkspaceConfiguration
    documents: int = Field(ge=0)
    chunks: int = Field(ge=0)
    indexing: IndexingStatus
    last_job_id: str | None = Field(default=None, description="The last upload indexed into the workspace.")
    created_at: datetime
    updated_at: datetime | None = None


class WorkspacePage(Strict):
    """Workspaces by name; `next_cursor` fetches the next page, and is null on the last."""

    workspaces: list[WorkspaceView]
    next_cursor: str | None = None


class AnswerKind(StrEnum):
    """The kind of answer a question asks for: the questions service decides it, retrieval favours its evidence."""

    EMAIL = "email"
    CURRENCY = "currency"
    COUNT = "count"
    CODE = "code"
    CRITERIA = "criteria"
    DATE = "date"
    PROCEDURE = "procedure"
    REFERENCE = "reference"
    MONEY = "money"
    NAME = "name"
    TITLE = "title"
    PERSON = "person"
    PLACE = "place"
    DURATION = "duration"
    QUANTITY = "quantity"
    PHONE = "phone"
    TEXT = "text"


class SearchQuery(Strict):
    """A question's search against one workspace's index; without a kind it is a free question."""

    query: str = Field(min_length=1, max_length=4000)
    top_k: int = Field(default=8, ge=1, le=100)
    document_types: list[DocumentType] = Field(default_factory=list)
    package_id: str | None = None
    kind: AnswerKind | None = None


class Passage(Strict):
    """One retrieved chunk with its provenance."""

    chunk_id: str
    document_id: str
    file: str
    doc_type: DocumentType
    text: str
    page: int | None = None
    path: str | None = None
    row: int | None = None
    score: float
    language: str | None = None  # ISO 639-1, as ingest told it for the chunk's document


class SearchResult(Strict):
    """Passages best first."""

    passages: list[Passage]
