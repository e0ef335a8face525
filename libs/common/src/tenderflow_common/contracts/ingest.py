"""Messages owned by the ingest service."""

from typing import ClassVar

from pydantic import Field

from tenderflow_common import topics
from tenderflow_common.contracts.shared import DocumentType, FileVerdict, JobRequest, Strict
from tenderflow_common.envelope import stable_id
from tenderflow_common.messages import Command, Event, register


class IngestPackage(Command):
    """Take an uploaded package apart and extract its documents."""

    message_type: ClassVar[str] = "tenderflow.ingest.ingest-package.v1"
    topic: ClassVar[str] = topics.INGEST_COMMANDS

    package_key: str = Field(min_length=1)
    filename: str
    size: int = Field(ge=0)
    sha256: str
    request: JobRequest


class PackageAccepted(Event):
    """The archive opened; every file has a verdict and the accepted ones will be extracted."""

    message_type: ClassVar[str] = "tenderflow.ingest.package-accepted.v1"
    topic: ClassVar[str] = topics.INGEST_EVENTS

    package_id: str
    files: list[FileVerdict]


class PackageRejected(Event):
    """The package as a whole could not be used (not a ZIP, empty, nothing acceptable...)."""

    message_type: ClassVar[str] = "tenderflow.ingest.package-rejected.v1"
    topic: ClassVar[str] = topics.INGEST_EVENTS

    package_id: str
    code: str
    reason: str
    files: list[FileVerdict] = Field(default_factory=list)


class DocumentExtracted(Event):
    """One document's text is in storage; counts feed job progress."""

    message_type: ClassVar[str] = "tenderflow.ingest.document-extracted.v1"
    topic: ClassVar[str] = topics.INGEST_EVENTS

    package_id: str
    document_id: str
    file: str
    doc_type: DocumentType
    pages: int = Field(ge=0)
    units: int = Field(ge=0)
    text_key: str
    language: str | None = Field(default=None, description="ISO 639-1 code of the document's language, when its "
                                 "words tell (en, pt, es, ru, de, fr); unset otherwise.")


class IngestedDocument(Strict):
    """Where to find one extracted document."""

    document_id: str
    file: str
    doc_type: DocumentType
    pages: int
    text_key: str


class PackageIngested(Event):
    """Every accepted document is extracted; the package is ready to index."""

    message_type: ClassVar[str] = "tenderflow.ingest.package-ingested.v1"
    topic: ClassVar[str] = topics.INGEST_EVENTS

    package_id: str
    request: JobRequest
    documents: list[IngestedDocument]
    files: list[FileVerdict] = Field(default_factory=list)


class PackageFailed(Event):
    """Ingestion stopped on an error that is not the client's fault, or was cancelled."""

    message_type: ClassVar[str] = "tenderflow.ingest.package-failed.v1"
    topic: ClassVar[str] = topics.INGEST_EVENTS

    package_id: str
    reason: str
    cancelled: bool = False
    code: str | None = Field(default=None, description="Why it stopped, as a stable code; `reason` is then written "
                             "for the tenant. Unset only in events older than the code, whose reason is not shown.")


register(IngestPackage, PackageAccepted, PackageRejected, DocumentExtracted, PackageIngested, PackageFailed)


def package_id_of(job_id: str) -> str:
    """The id of an upload job's package, by which other services find what they hold of it (such as its index)."""
    return stable_id(job_id, "package")
