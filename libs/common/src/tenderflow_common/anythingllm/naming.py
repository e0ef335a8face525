"""One naming rule for what Tenderflow keeps in AnythingLLM, so every service finds it by name.

AnythingLLM derives slugs from names and suffixes them on collision, so a slug is never computed here: the
workspace is found by its name, and documents by the source tag set at upload.
"""

PREFIX = "tenderflow"
QUERY_REFUSAL = "Not stated in the tender documents."
"""The workspace's `queryRefusalResponse`: query mode answers it, with no sources, when nothing relevant is found."""
DEFAULT_QUERY_REFUSAL = "There is no relevant information in this workspace to answer your query."
"""What a workspace without its own refusal text answers instead."""
DOCUMENT_SOURCE = "tenderflow"
CHUNK_SOURCE_PREFIX = "tenderflow://document/"


def workspace_name(workspace_id: str) -> str:
    """The AnythingLLM workspace that belongs to a Tenderflow workspace."""
    return f"{PREFIX}-{workspace_id}"


def document_folder(workspace_id: str) -> str:
    """The storage folder (one level deep) that holds a Tenderflow workspace's uploaded documents."""
    return f"{PREFIX}-{workspace_id}"


def document_filename(document_id: str) -> str:
    """An ASCII upload name, so multipart filename decoding cannot garble it."""
    return f"{document_id}.txt"


def chunk_source(document_id: str) -> str:
    """Set as the upload's `chunkSource`; every chat source of the document carries it back."""
    return CHUNK_SOURCE_PREFIX + document_id


def document_id_of(source_tag: str) -> str | None:
    """The Tenderflow document id in a `chunkSource` set by `chunk_source`, else None."""
    if not source_tag.startswith(CHUNK_SOURCE_PREFIX):
        return None
    return source_tag[len(CHUNK_SOURCE_PREFIX):] or None


def thread_slug(run_id: str) -> str:
    """The one thread of a questions run (thread slugs are unique across the whole server)."""
    return f"{PREFIX}-run-{run_id}"
