"""Messages and internal query shapes owned by the workspace service."""

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

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


register(DocumentsIndexed, IndexingFailed)


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
