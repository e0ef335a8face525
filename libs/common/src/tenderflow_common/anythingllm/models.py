"""The shapes AnythingLLM answers with, read defensively: the server, not its Swagger file, is the reference."""

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WorkspaceDocument:
    """A document embedded in a workspace (a `workspace_documents` row)."""

    docpath: str
    filename: str
    metadata: dict[str, Any]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "WorkspaceDocument":
        metadata = row.get("metadata")
        if isinstance(metadata, str):  # stored as a JSON-encoded string, not an object
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {}
        return cls(docpath=str(row.get("docpath") or ""), filename=str(row.get("filename") or ""),
                   metadata=metadata if isinstance(metadata, dict) else {})


@dataclass(frozen=True)
class Workspace:
    """A workspace row; `documents` and `threads` are filled only by the endpoints that include them."""

    id: int
    name: str
    slug: str
    settings: dict[str, Any]
    documents: list[WorkspaceDocument] = field(default_factory=list)
    thread_slugs: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Workspace":
        documents = [WorkspaceDocument.from_row(d) for d in row.get("documents") or [] if isinstance(d, dict)]
        threads = [str(t["slug"]) for t in row.get("threads") or [] if isinstance(t, dict) and t.get("slug")]
        settings = {k: v for k, v in row.items() if k not in {"documents", "threads"}}
        return cls(id=int(row.get("id") or 0), name=str(row.get("name") or ""), slug=str(row.get("slug") or ""),
                   settings=settings, documents=documents, thread_slugs=threads)

    @property
    def docpaths(self) -> set[str]:
        return {document.docpath for document in self.documents}


@dataclass(frozen=True)
class StoredDocument:
    """A converted document on the server, embedded anywhere or nowhere; `location` is what embedding takes."""

    location: str
    title: str
    chunk_source: str
    doc_source: str
    description: str

    @classmethod
    def from_item(cls, folder: str, item: dict[str, Any]) -> "StoredDocument":
        location = item.get("location") or f"{folder}/{item.get('name', '')}"
        return cls(location=str(location), title=str(item.get("title") or ""),
                   chunk_source=str(item.get("chunkSource") or ""), doc_source=str(item.get("docSource") or ""),
                   description=str(item.get("description") or ""))

    @property
    def name(self) -> str:
        return self.location.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Thread:
    slug: str
    name: str
    workspace_id: int | None = None


@dataclass(frozen=True)
class Source:
    """One retrieved chunk a chat answer used; `text` starts with AnythingLLM's `<document_metadata>` header."""

    title: str
    chunk_source: str
    doc_source: str
    description: str
    text: str
    score: float | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> "Source":
        score = item.get("score")
        # The Swagger file shows `{title, chunk}`; the server sends `text`. Take either.
        text = item.get("text") if item.get("text") is not None else item.get("chunk")
        return cls(title=str(item.get("title") or ""), chunk_source=str(item.get("chunkSource") or ""),
                   doc_source=str(item.get("docSource") or ""), description=str(item.get("description") or ""),
                   text=str(text or ""), score=float(score) if isinstance(score, int | float) else None)


@dataclass(frozen=True)
class ChatReply:
    """A finished chat: the text (reasoning `<think>` blocks removed), its sources, chat id and token metrics."""

    text: str
    sources: list[Source]
    chat_id: int | None = None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt_tokens(self) -> int:
        return int(self.metrics.get("prompt_tokens") or 0)

    @property
    def completion_tokens(self) -> int:
        return int(self.metrics.get("completion_tokens") or 0)


def sources_of(items: Any) -> list[Source]:
    return [Source.from_item(item) for item in items or [] if isinstance(item, dict)]
