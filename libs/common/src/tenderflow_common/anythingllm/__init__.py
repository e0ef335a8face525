"""AnythingLLM's developer API: an async client, safe-to-repeat steps, and how Tenderflow names what it keeps there.

See ../shared/ANYTHINGLLM.md for the server behaviour this follows.
"""

from tenderflow_common.anythingllm.client import AnythingLLMClient
from tenderflow_common.anythingllm.errors import (
    AnythingLLMChatAborted,
    AnythingLLMError,
    AnythingLLMNotFound,
    AnythingLLMOutcomeUnknown,
    AnythingLLMRejected,
    AnythingLLMUnauthorized,
    AnythingLLMUnavailable,
)
from tenderflow_common.anythingllm.models import ChatReply, Source, StoredDocument, Thread, Workspace
from tenderflow_common.anythingllm.operations import (
    EmbeddingFailed,
    embed,
    ensure_thread,
    ensure_workspace,
    find_workspace,
)

__all__ = [
    "AnythingLLMChatAborted",
    "AnythingLLMClient",
    "AnythingLLMError",
    "AnythingLLMNotFound",
    "AnythingLLMOutcomeUnknown",
    "AnythingLLMRejected",
    "AnythingLLMUnauthorized",
    "AnythingLLMUnavailable",
    "ChatReply",
    "EmbeddingFailed",
    "Source",
    "StoredDocument",
    "Thread",
    "Workspace",
    "embed",
    "ensure_thread",
    "ensure_workspace",
    "find_workspace",
]
