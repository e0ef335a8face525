"""`anythingllm:<anything>`: ask AnythingLLM, in query mode, in the AnythingLLM workspace of the run's workspace.

The workspace service has uploaded and embedded the documents there (`tenderflow-<workspace id>`, see
`tenderflow_common.anythingllm.conventions`); AnythingLLM retrieves its own chunks, and the model there answers
with a short answer and the exact quote. Each chunk it used comes back as a source carrying our location markers,
so the quote is found in a source (grounded) and cited by file and page, path or row. The model is the one
AnythingLLM is set up with: the part after the colon is not used, and `anythingllm:default` is the usual name.

Every run has one thread (`tenderflow-run-<run id>`), found in the workspace or created once, also after a
restart. A chat whose answer is lost is looked up in the thread's history before it is asked again.
"""

import asyncio
import logging
from collections import defaultdict
from typing import Any

from tenderflow_common.anythingllm import (
    AnythingLLMChatAborted,
    AnythingLLMClient,
    AnythingLLMError,
    AnythingLLMNotFound,
    AnythingLLMOutcomeUnknown,
    AnythingLLMRejected,
    AnythingLLMUnauthorized,
    AnythingLLMUnavailable,
    ChatReply,
    ensure_thread,
    find_workspace,
)
from tenderflow_common.anythingllm.locations import Location, first_location, locate, plain_text
from tenderflow_common.anythingllm.models import Source, sources_of
from tenderflow_common.anythingllm.naming import DEFAULT_QUERY_REFUSAL, QUERY_REFUSAL, thread_slug, workspace_name
from tenderflow_common.contracts.questions import Citation
from tenderflow_common.settings import AnythingLLMSettings
from tenderflow_questions.answering.confidence import fragment_coverage
from tenderflow_questions.providers import llm
from tenderflow_questions.providers.base import AnswerRequest, ProviderAnswer, ProviderFailed, Usage
from tenderflow_questions.providers.extractive import ExtractiveProvider

log = logging.getLogger(__name__)

CHAT_ATTEMPTS = 2
REFUSALS = {llm.normalised(QUERY_REFUSAL), llm.normalised(DEFAULT_QUERY_REFUSAL)}


class AnythingLLMProvider:
    """Answers through AnythingLLM's workspace chat; one thread per run."""

    name = "anythingllm"

    def __init__(self, client: AnythingLLMClient, *, retry_wait_seconds: float = 1.0) -> None:
        self._client = client
        self._retry_wait = retry_wait_seconds
        self._extractive = ExtractiveProvider()
        self._workspaces: dict[str, str] = {}
        self._threads: dict[str, str] = {}
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @classmethod
    def from_settings(cls, settings: AnythingLLMSettings) -> "AnythingLLMProvider":
        """The provider for `TENDERFLOW_ANYTHINGLLM_*`; ValueError unless its base URL and key are set."""
        return cls(AnythingLLMClient.from_settings(settings))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def answer(self, request: AnswerRequest) -> ProviderAnswer:
        extractive = await self._extractive.answer(request)
        try:
            reply = await self._chat(request)
        except AnythingLLMError as error:
            raise _failed(error) from error
        return _score(request, reply, extractive)

    async def _chat(self, request: AnswerRequest) -> ChatReply:
        """Ask in the run's thread; when the workspace or thread vanished meanwhile, find them again once."""
        try:
            return await self._ask(request)
        except AnythingLLMNotFound:
            self._workspaces.pop(request.workspace_id, None)
            self._threads.pop(request.run_id, None)
            return await self._ask(request)

    async def _ask(self, request: AnswerRequest) -> ChatReply:
        slug = await self._workspace(request.workspace_id)
        thread = await self._thread(slug, request.run_id)
        message = request.question.text
        for attempt in range(1, CHAT_ATTEMPTS + 1):
            try:
                return await self._client.stream_chat(slug, message, mode="query", thread=thread)
            except AnythingLLMUnavailable as error:
                if isinstance(error, AnythingLLMOutcomeUnknown):
                    earlier = await self._answered_before(slug, thread, message)
                    if earlier is not None:
                        return earlier
                if attempt == CHAT_ATTEMPTS:
                    raise
                log.warning("AnythingLLM chat failed (%s); asking again", type(error).__name__)
                await asyncio.sleep(self._retry_wait)
        raise AssertionError("unreachable")

    async def _workspace(self, workspace_id: str) -> str:
        """The slug of the workspace's AnythingLLM workspace, found by its name."""
        if workspace_id not in self._workspaces:
            found = await find_workspace(self._client, workspace_name(workspace_id))
            if found is None:
                raise ProviderFailed("anythingllm_workspace_missing",
                                     "the workspace has no AnythingLLM workspace: index it with the anythingllm "
                                     "backend first")
            self._workspaces[workspace_id] = found.slug
        return self._workspaces[workspace_id]

    async def _thread(self, slug: str, run_id: str) -> str:
        """The run's thread, found or created once, however many of its questions ask at the same time."""
        async with self._locks[run_id]:
            if run_id not in self._threads:
                self._threads[run_id] = await ensure_thread(self._client, slug, thread_slug(run_id),
                                                            f"Tenderflow run {run_id}")
            return self._threads[run_id]

    async def _answered_before(self, slug: str, thread: str, message: str) -> ChatReply | None:
        """The thread's last complete answer to this very message, if the lost chat was answered after all.

        A partial answer (the connection closed while the model was writing) is saved too; it is taken only
        when it reads as a whole reply."""
        history = await self._client.thread_history(slug, thread)
        for asked, answered in zip(history, history[1:], strict=False):
            if (asked.get("role") == "user" and asked.get("content") == message
                    and answered.get("role") == "assistant" and answered.get("chatId") == asked.get("chatId")):
                text = str(answered.get("content") or "")
                if llm.parse_reply(text) is not None:
                    return ChatReply(text=text, sources=sources_of(answered.get("sources")),
                                     chat_id=answered.get("chatId"), metrics=answered.get("metrics") or {})
        return None


def _score(request: AnswerRequest, reply: ChatReply, extractive: ProviderAnswer) -> ProviderAnswer:
    """The reply as an answer: grounded in a source or not, cited, and scored like every model's answer."""
    usage = Usage(reply.prompt_tokens, reply.completion_tokens)
    text = reply.text.strip()
    parsed = llm.parse_reply(text)
    if parsed is None and text and llm.normalised(text) not in REFUSALS:
        parsed = llm.ModelReply(answer=text, quote="")  # a model that ignored the JSON format
    answer = llm.answer_of(parsed)
    if answer is None or parsed is None:
        return ProviderAnswer(answer=None, citations=[], confidence=0.0, fragment_coverage=None, path="llm",
                              usage=usage)
    quote = parsed.quote.strip()
    source, location, grounded = _ground(quote or answer, reply.sources)
    citations = [_citation(source, location, quote)] if source is not None else []
    coverage = fragment_coverage(request.question.expected_fragments or [], answer, [c.snippet for c in citations])
    confidence = llm.llm_confidence(grounded=grounded, retrieval=(source.score or 0.0) if source else 0.0,
                                    agreement=llm.agrees(answer, extractive.answer), fragment_coverage=coverage)
    return ProviderAnswer(answer=answer, citations=citations, confidence=confidence, fragment_coverage=coverage,
                          path="llm", grounded=grounded, usage=usage)


def _ground(quote: str, sources: list[Source]) -> tuple[Source | None, Location | None, bool]:
    """The source that holds the quote and where in it; else the best source and where it starts."""
    wanted = llm.normalised(quote)
    ranked = sorted(sources, key=lambda s: -(s.score or 0.0))
    for source in ranked:
        if wanted and wanted in llm.normalised(plain_text(source.text)):
            location, found = locate(source.text, quote)
            return source, location if found else first_location(source.text), True
    if not ranked:
        return None, None, False
    return ranked[0], first_location(ranked[0].text), False


def _citation(source: Source, location: Location | None, quote: str) -> Citation:
    location = location or Location()
    snippet = quote or plain_text(source.text)
    return Citation(file=source.title or "unknown", page=location.page, path=location.path, row=location.row,
                    snippet=snippet[:llm.SNIPPET_CHARS])


def _failed(error: AnythingLLMError) -> ProviderFailed:
    """A stable code; the message never carries the key or what the server said."""
    if isinstance(error, AnythingLLMUnauthorized):
        return ProviderFailed("anythingllm_unauthorized", "AnythingLLM refused the API key")
    if isinstance(error, AnythingLLMNotFound):
        return ProviderFailed("anythingllm_workspace_missing", "the AnythingLLM workspace or thread is gone")
    if isinstance(error, AnythingLLMChatAborted):
        return ProviderFailed("anythingllm_aborted", "AnythingLLM aborted the chat")
    if isinstance(error, AnythingLLMRejected):
        status: Any = error.status or "?"
        return ProviderFailed("anythingllm_rejected", f"AnythingLLM refused the request ({status})")
    return ProviderFailed("anythingllm_unavailable", "AnythingLLM could not be reached or kept failing")
