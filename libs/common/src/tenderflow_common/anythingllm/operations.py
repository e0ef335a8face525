"""Steps that are safe to repeat after a crash or a lost answer: each looks up what exists before it creates.

AnythingLLM has no idempotency keys: a second workspace create makes a second workspace, a second embed of a
document embeds it twice, and a duplicate thread slug answers 200 with no thread. So every step here lists first,
creates only what is missing, and after a create whose answer was lost looks again before trying once more.
"""

import logging
from typing import Any

from tenderflow_common.anythingllm.client import AnythingLLMClient
from tenderflow_common.anythingllm.errors import AnythingLLMNotFound, AnythingLLMRejected, AnythingLLMUnavailable
from tenderflow_common.anythingllm.models import Workspace

log = logging.getLogger(__name__)

CREATE_ATTEMPTS = 3


class EmbeddingFailed(AnythingLLMRejected):
    """AnythingLLM answered the embedding call but left documents out of the workspace (it fails silently)."""

    def __init__(self, workspace: str, missing: list[str]) -> None:
        super().__init__(f"AnythingLLM did not embed {len(missing)} document(s) into workspace {workspace}: "
                         f"{', '.join(missing)} missing from its document list after update-embeddings")
        self.missing = missing


async def find_workspace(client: AnythingLLMClient, name: str) -> Workspace | None:
    """The workspace with this name; if a race made several, the oldest, which every caller picks alike."""
    matches = [workspace for workspace in await client.list_workspaces() if workspace.name == name]
    return min(matches, key=lambda workspace: workspace.id) if matches else None


async def ensure_workspace(client: AnythingLLMClient, name: str, settings: dict[str, Any] | None = None) -> Workspace:
    """Find the workspace by name or create it, once."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        found = await find_workspace(client, name)
        if found is not None:
            return found
        try:
            created = await client.create_workspace(name, settings)
        except AnythingLLMUnavailable:
            if attempt == CREATE_ATTEMPTS:
                raise
            log.warning("creating AnythingLLM workspace %s may have failed; looking it up", name)
            continue
        return await _settle_race(client, name, created)
    raise AssertionError("unreachable")


async def _settle_race(client: AnythingLLMClient, name: str, created: Workspace) -> Workspace:
    """Two creators at once make two workspaces: both keep the oldest, and each deletes its own extra one."""
    oldest = await find_workspace(client, name)
    if oldest is None or oldest.id == created.id:
        return created
    log.warning("AnythingLLM workspace %s existed twice; keeping %s", name, oldest.slug)
    await client.delete_workspace(created.slug)
    return oldest


async def embed(client: AnythingLLMClient, slug: str, locations: list[str]) -> Workspace:
    """Embed the documents not yet in the workspace, then check that each one is there.

    `update-embeddings` answers 200 even when it embedded nothing, and embeds a document twice when asked twice,
    so only missing documents are sent, and a lost answer is settled by reading the workspace again.
    """
    workspace = await _workspace(client, slug)
    missing = [location for location in locations if location not in workspace.docpaths]
    if not missing:
        return workspace
    try:
        await client.update_embeddings(slug, adds=missing)
    except AnythingLLMUnavailable:
        log.warning("embedding into %s may have failed; reading the workspace again", slug)
        workspace = await _workspace(client, slug)
        if any(location not in workspace.docpaths for location in locations):
            raise  # the call failed, so what is missing may still come: a failure to retry, not a silent one
        return workspace
    workspace = await _workspace(client, slug)
    still_missing = [location for location in locations if location not in workspace.docpaths]
    if still_missing:
        raise EmbeddingFailed(slug, still_missing)
    return workspace


async def ensure_thread(client: AnythingLLMClient, slug: str, thread_slug: str, name: str) -> str:
    """The thread with this slug in the workspace, created once; its slug as the server stores it."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        workspace = await _workspace(client, slug)
        if thread_slug in workspace.thread_slugs:
            return thread_slug
        try:
            thread = await client.create_thread(slug, thread_slug=thread_slug, name=name)
        except AnythingLLMUnavailable:
            if attempt == CREATE_ATTEMPTS:
                raise
            continue
        if thread is not None:
            return thread.slug
        workspace = await _workspace(client, slug)  # slug taken: by us in an earlier try, or elsewhere
        if thread_slug in workspace.thread_slugs:
            return thread_slug
        raise AnythingLLMRejected(f"thread slug {thread_slug} is taken outside workspace {slug}")
    raise AssertionError("unreachable")


async def _workspace(client: AnythingLLMClient, slug: str) -> Workspace:
    workspace = await client.get_workspace(slug)
    if workspace is None:
        raise AnythingLLMNotFound(f"AnythingLLM workspace {slug} does not exist")
    return workspace
