"""The `anythingllm` backend: a Tenderflow workspace's documents uploaded to and embedded in AnythingLLM.

Each Tenderflow workspace has one AnythingLLM workspace, named `tenderflow-<workspace id>` and found by that name,
and one storage folder of the same name holding its uploaded documents. Every step looks up what exists first, so
it can be repeated after a crash or a lost answer without creating anything twice: the workspace is found by name,
a document by the source tag it was uploaded with, and embedding sends only what the workspace lacks, then checks
that each document arrived (AnythingLLM drops documents it fails to embed and still answers 200).
"""

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from tenderflow_common.anythingllm import (
    AnythingLLMClient,
    AnythingLLMNotFound,
    AnythingLLMRejected,
    AnythingLLMUnavailable,
    EmbeddingFailed,
    StoredDocument,
    Workspace,
    embed,
    ensure_workspace,
    find_workspace,
)
from tenderflow_common.anythingllm.conventions import Upload, document_upload, workspace_settings
from tenderflow_common.anythingllm.naming import document_folder, document_id_of, workspace_name
from tenderflow_common.contracts.workspace import AnythingLLMOverrides
from tenderflow_common.settings import AnythingLLMSettings

log = logging.getLogger(__name__)

UPLOAD_ATTEMPTS = 2


class UploadFailed(AnythingLLMUnavailable):
    """AnythingLLM did not take a document after the attempts an upload gets."""

    def __init__(self, file: str) -> None:
        super().__init__(f"AnythingLLM did not accept the upload of {file}")
        self.file = file


class StillThere(AnythingLLMUnavailable):
    """AnythingLLM answered the removal but still holds documents (its embedding changes fail silently)."""

    def __init__(self, locations: list[str]) -> None:
        super().__init__(f"AnythingLLM still holds {', '.join(locations)} after removing them")
        self.locations = locations


class NotEmbedded(AnythingLLMRejected):
    """AnythingLLM answered the embedding call but left documents out of the workspace."""

    def __init__(self, files: list[str], workspace: str) -> None:
        super().__init__(f"AnythingLLM did not embed {', '.join(files)}: missing from the document list of its "
                         f"workspace {workspace} after update-embeddings (check its embedder and vector database)")
        self.files = files


@dataclass(frozen=True)
class DocumentText:
    """One extracted document as the backend uploads it."""

    document_id: str
    package_id: str
    file: str
    doc_type: str
    units: list[dict[str, Any]]


@dataclass(frozen=True)
class Held:
    """Documents AnythingLLM still holds: embedded in the workspace `slug`, and stored in the folder."""

    slug: str
    embedded: list[str]
    stored: list[str]


class AnythingLLMBackend:
    """Indexes documents into, and removes them from, the AnythingLLM workspace of a Tenderflow workspace."""

    def __init__(self, client: AnythingLLMClient, settings: AnythingLLMSettings) -> None:
        self.client = client
        self.settings = settings

    async def index(self, workspace_id: str, documents: list[DocumentText],
                    overrides: AnythingLLMOverrides | None = None) -> dict[str, str]:
        """Ensure the workspace and its settings, upload what is not there yet, embed and verify.

        Returns each uploaded document's location by document id; documents without text are skipped."""
        workspace = await self.ensure_workspace(workspace_id, overrides)
        with_text = [d for d in documents if _upload(d).content.strip()]
        locations = await self.upload(workspace_id, with_text)
        try:
            await embed(self.client, workspace.slug, list(locations.values()))
        except EmbeddingFailed as error:
            files = {location: d.file for d in with_text if (location := locations.get(d.document_id))}
            raise NotEmbedded([files.get(m, m) for m in error.missing], workspace.slug) from error
        return locations

    async def ensure_workspace(self, workspace_id: str, overrides: AnythingLLMOverrides | None = None) -> Workspace:
        """The AnythingLLM workspace, created once, with Tenderflow's settings (the installation's, under the
        workspace's own) pushed (again) every time."""
        chosen = {key: value for key, value in (overrides or AnythingLLMOverrides()).model_dump().items()
                  if value is not None}
        wanted = workspace_settings(self.settings.model_copy(update=chosen))
        workspace = await ensure_workspace(self.client, workspace_name(workspace_id), wanted)
        if any(workspace.settings.get(key) != value for key, value in wanted.items()):
            workspace = await self.client.update_workspace(workspace.slug, wanted)
        return workspace

    async def upload(self, workspace_id: str, documents: list[DocumentText]) -> dict[str, str]:
        """Upload each document not yet in the workspace's folder; a lost answer is settled by looking again."""
        folder = document_folder(workspace_id)
        stored = await self._stored(folder)
        locations: dict[str, str] = {}
        for document in documents:
            if document.document_id not in stored:
                stored = await self._upload_once(folder, document, stored)
            locations[document.document_id] = stored[document.document_id]
        return locations

    async def _upload_once(self, folder: str, document: DocumentText, stored: dict[str, str]) -> dict[str, str]:
        """Upload; when the upload fails or its answer is lost, look in the folder before trying again."""
        upload = _upload(document)
        for attempt in range(1, UPLOAD_ATTEMPTS + 1):
            try:
                uploaded = await self.client.upload_document(upload.filename, upload.content, folder=folder,
                                                             metadata=upload.metadata)
            except AnythingLLMUnavailable:
                log.warning("upload of %s may have failed; looking it up", document.file)
                stored = await self._stored(folder)
                if document.document_id in stored or attempt == UPLOAD_ATTEMPTS:
                    break
                continue
            return {**stored, document.document_id: uploaded.location}
        if document.document_id not in stored:
            raise UploadFailed(document.file)
        return stored

    async def _stored(self, folder: str) -> dict[str, str]:
        """Documents already in the folder, by the Tenderflow document id they were uploaded for."""
        found: dict[str, str] = {}
        for document in sorted(await self.client.folder_documents(folder), key=lambda d: d.location):
            document_id = _document_id(document)
            if document_id is not None:
                found.setdefault(document_id, document.location)
        return found

    async def remove(self, workspace_id: str, document_ids: list[str], locations: list[str]) -> None:
        """Take documents out of the workspace's AnythingLLM workspace and delete them from its storage: those at
        the recorded locations and any stored for the document ids (an upload whose location was never recorded,
        or one sent twice after a lost answer). Each step asks only for what is still there, so a repeat after a
        crash finds nothing and changes nothing; a workspace, folder or document gone already counts as removed."""
        held = await self._held(workspace_id, set(document_ids), set(locations))
        if held.embedded:
            with contextlib.suppress(AnythingLLMNotFound):  # the workspace went meanwhile, with its embeddings
                await self.client.update_embeddings(held.slug, deletes=held.embedded)
        if held.stored:
            with contextlib.suppress(AnythingLLMNotFound):
                await self.client.remove_documents(held.stored)
        left = await self._held(workspace_id, set(document_ids), set(locations))
        if left.embedded or left.stored:
            raise StillThere(sorted({*left.embedded, *left.stored}))

    async def _held(self, workspace_id: str, document_ids: set[str], locations: set[str]) -> "Held":
        """Which of these documents the workspace's storage folder holds, and which its workspace has embedded."""
        stored = sorted(document.location for document in await self.client.folder_documents(
            document_folder(workspace_id)) if document.location in locations or _document_id(document) in document_ids)
        found = await find_workspace(self.client, workspace_name(workspace_id))
        workspace = await self.client.get_workspace(found.slug) if found is not None else None
        if workspace is None:
            return Held(slug="", embedded=[], stored=stored)
        return Held(slug=workspace.slug, embedded=sorted((locations | set(stored)) & workspace.docpaths),
                    stored=stored)

    async def delete_workspace(self, workspace_id: str) -> None:
        """Remove the AnythingLLM workspace (every one of that name, should a race have made two) and every
        document uploaded for it; safe to repeat, and a workspace that is gone already is fine."""
        name = workspace_name(workspace_id)
        while (workspace := await find_workspace(self.client, name)) is not None:
            await self.client.delete_workspace(workspace.slug)
        await self.client.remove_folder(document_folder(workspace_id))


def _upload(document: DocumentText) -> Upload:
    return document_upload(document.document_id, document.package_id, document.file, document.doc_type,
                           document.units)


def _document_id(document: StoredDocument) -> str | None:
    found = document_id_of(document.chunk_source)
    if found is not None:
        return found
    stem = document.name.rsplit("-", 5)[0]  # `<name>-<uuid>.json`: the uuid has five parts
    return stem.removesuffix(".txt") if stem.endswith(".txt") else None
