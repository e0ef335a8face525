"""What a workspace search returns: a chunk of a document with its provenance and retrieval score."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Passage(BaseModel):
    """A retrieved chunk; page, path or row locate it in its file for citations."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    document_id: str
    file: str
    doc_type: str
    text: str
    page: int | None = None
    path: str | None = None
    row: int | None = None
    score: float = 0.0
