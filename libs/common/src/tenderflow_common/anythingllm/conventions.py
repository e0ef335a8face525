"""How Tenderflow uses an AnythingLLM workspace; the workspace service writes by these rules, questions reads by them.

The workspace is set to answer from its documents only (query mode), in JSON holding the answer and the exact
quote that states it, with no chat history and a refusal text of our own. Each extracted document is uploaded as
one text whose units carry location markers (`locations`), with the Tenderflow document id as its `chunkSource`
and the file name as its title, so every chunk AnythingLLM retrieves can be turned back into a citation.
"""

from dataclasses import dataclass
from typing import Any

from tenderflow_common.anythingllm.locations import render_units
from tenderflow_common.anythingllm.naming import DOCUMENT_SOURCE, QUERY_REFUSAL, chunk_source, document_filename
from tenderflow_common.settings import AnythingLLMSettings

NOT_STATED = "not stated"
SYSTEM_PROMPT = (
    "You answer questions about a public procurement tender (its notices, specifications, lots, price schedules "
    "and award criteria) using only the context taken from the tender's documents. Give the shortest answer that "
    "is complete: a name, a date, an amount with its currency, a code, a few words. Copy the exact words of the "
    "context that state it as the quote. Markers such as ⟦page 3⟧ or ⟦+row 12⟧ show where text comes from: never "
    f"copy them into the answer or the quote. If the context does not state the answer, the answer is "
    f"\"{NOT_STATED}\" and the quote is empty. Never guess. Reply with JSON only: "
    "{\"answer\": \"...\", \"quote\": \"...\"}."
)


def workspace_settings(settings: AnythingLLMSettings) -> dict[str, Any]:
    """What every Tenderflow workspace in AnythingLLM is set to."""
    return {"openAiPrompt": SYSTEM_PROMPT, "openAiTemp": settings.temperature, "topN": settings.top_n,
            "similarityThreshold": settings.similarity_threshold, "chatMode": "query", "openAiHistory": 0,
            "queryRefusalResponse": QUERY_REFUSAL}


@dataclass(frozen=True)
class Upload:
    """One extracted document as it is uploaded: an ASCII file name, the marked text and the metadata."""

    filename: str
    content: bytes
    metadata: dict[str, str]


def document_upload(document_id: str, package_id: str, file: str, doc_type: str,
                    units: list[dict[str, Any]]) -> Upload:
    """The upload of one document; empty `content` when it has no text."""
    metadata = {"title": file, "docAuthor": "Tenderflow", "docSource": DOCUMENT_SOURCE,
                "description": f"{doc_type} document {document_id} of package {package_id}",
                "chunkSource": chunk_source(document_id)}
    return Upload(document_filename(document_id), render_units(units).encode(), metadata)
