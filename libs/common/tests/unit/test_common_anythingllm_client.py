"""The AnythingLLM client against the fake server: each quirk of ../shared/ANYTHINGLLM.md met and handled."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tenderflow_common.anythingllm import (
    AnythingLLMChatAborted,
    AnythingLLMClient,
    AnythingLLMNotFound,
    AnythingLLMOutcomeUnknown,
    AnythingLLMRejected,
    AnythingLLMUnauthorized,
    AnythingLLMUnavailable,
    EmbeddingFailed,
    embed,
    ensure_thread,
    ensure_workspace,
)
from tenderflow_common.anythingllm.client import api_root
from tenderflow_common.testing.anythingllm_fake import FakeAnythingLLM


def make_client(fake: FakeAnythingLLM, key: str | None = None, **options) -> AnythingLLMClient:
    settings = {"read_timeout": 0.5, "embed_timeout": 1.0, "chat_timeout": 1.0, "retry_wait_seconds": 0.01}
    return AnythingLLMClient(fake.base_url, key or fake.api_key, **{**settings, **options})


@pytest.fixture
async def client(fake_anythingllm: FakeAnythingLLM) -> AsyncIterator[AnythingLLMClient]:
    client = make_client(fake_anythingllm)
    yield client
    await client.aclose()


async def upload(client: AnythingLLMClient, text: str = "The buyer is the City of Oslo.", name: str = "a.txt",
                 folder: str | None = "tf", **metadata) -> str:
    document = await client.upload_document(name, text.encode(), folder=folder, metadata=metadata)
    return document.location


def test_the_api_root_is_found_from_any_form_of_the_base_url():
    assert api_root("http://h:3001") == "http://h:3001/api/v1"
    assert api_root("http://h:3001/api/") == "http://h:3001/api/v1"
    assert api_root("http://h:3001/api/v1") == "http://h:3001/api/v1"


async def test_the_key_goes_as_a_bearer_token_and_a_refused_key_is_unauthorized(fake_anythingllm, client):
    await client.check_auth()
    assert fake_anythingllm.requests[-1].headers["authorization"] == f"Bearer {fake_anythingllm.api_key}"
    wrong = make_client(fake_anythingllm, key="not-the-key")
    with pytest.raises(AnythingLLMUnauthorized) as refused:
        await wrong.list_workspaces()
    await wrong.aclose()
    assert refused.value.status == 403
    assert refused.value.detail == "No valid api key found."
    async with httpx.AsyncClient() as bare:  # a key without a scheme word in front is refused too
        response = await bare.get(f"{fake_anythingllm.base_url}/v1/auth",
                                  headers={"Authorization": fake_anythingllm.api_key})
    assert response.status_code == 403


async def test_a_refused_key_is_not_retried(fake_anythingllm):
    wrong = make_client(fake_anythingllm, key="nope")
    with pytest.raises(AnythingLLMUnauthorized):
        await wrong.get_workspace("x")
    await wrong.aclose()
    assert len(fake_anythingllm.calls("GET")) == 1


async def test_an_unknown_slug_is_none_although_the_server_answers_200(client):
    assert await client.get_workspace("nope") is None


async def test_ensure_workspace_reads_the_slug_the_server_made_and_creates_once(fake_anythingllm, client):
    first = await ensure_workspace(client, "Tender: Harbour+Quay!", {"chatMode": "query"})
    again = await ensure_workspace(client, "Tender: Harbour+Quay!")
    assert first.slug == again.slug == "tender-harbour-plus-quay-bang"
    assert first.settings["chatMode"] == "query"
    assert len(fake_anythingllm.calls("POST", "/workspace/new")) == 1


async def test_names_are_not_unique_so_the_oldest_of_two_workspaces_is_kept_by_everyone(fake_anythingllm, client):
    older = await client.create_workspace("docs")
    newer = await client.create_workspace("docs")
    assert newer.slug.startswith("docs-") and newer.slug != older.slug  # a random 8-digit suffix
    assert (await ensure_workspace(client, "docs")).slug == older.slug


async def test_a_workspace_create_whose_answer_is_lost_is_looked_up_not_repeated(fake_anythingllm, client):
    fake_anythingllm.lose_response("POST", "/workspace/new")
    workspace = await ensure_workspace(client, "tenderflow-ws-1")
    assert workspace.slug == "tenderflow-ws-1"
    assert len(fake_anythingllm.calls("POST", "/workspace/new")) == 1
    assert [w.name for w in await client.list_workspaces()] == ["tenderflow-ws-1"]


@pytest.mark.parametrize("lost", [{"hang": True}, {"status": 502}, {"status": 504}])
async def test_a_create_lost_to_a_timeout_or_a_proxy_is_looked_up_too(fake_anythingllm, client, lost):
    fake_anythingllm.lose_response("POST", "/workspace/new", **lost)
    with pytest.raises(AnythingLLMOutcomeUnknown):
        await client.create_workspace("w")
    await ensure_workspace(client, "w")
    assert len(fake_anythingllm.calls("POST", "/workspace/new")) == 1


async def test_a_create_that_failed_before_doing_anything_is_tried_again_after_looking(fake_anythingllm, client):
    fake_anythingllm.fail("POST", "/workspace/new", status=500)
    workspace = await ensure_workspace(client, "w")
    assert workspace.name == "w"
    assert len(fake_anythingllm.calls("POST", "/workspace/new")) == 2  # the 500 came before anything was done


async def test_reads_are_retried_after_errors_and_timeouts(fake_anythingllm, client):
    fake_anythingllm.fail("GET", "/workspaces", status=500)
    fake_anythingllm.hang("GET", "/workspaces")
    assert await client.list_workspaces() == []
    assert len(fake_anythingllm.calls("GET", "/workspaces")) == 3


async def test_reads_give_up_after_the_configured_attempts(fake_anythingllm, client):
    fake_anythingllm.fail("GET", "/workspaces", status=500, times=None)
    with pytest.raises(AnythingLLMUnavailable):
        await client.list_workspaces()
    assert len(fake_anythingllm.calls("GET", "/workspaces")) == 3


async def test_a_null_workspace_list_is_a_server_failure(fake_anythingllm, client):
    fake_anythingllm.fail("GET", "/workspaces", status=200, body={"workspaces": None})
    assert await client.list_workspaces() == []  # retried, and the second answer is right


async def test_the_circuit_opens_after_repeated_failures(fake_anythingllm):
    client = make_client(fake_anythingllm, retry_attempts=1, breaker_threshold=2, breaker_ttl_seconds=60)
    fake_anythingllm.fail("GET", "/workspaces", status=500, times=None)
    for _ in range(2):
        with pytest.raises(AnythingLLMUnavailable):
            await client.list_workspaces()
    with pytest.raises(AnythingLLMUnavailable, match="circuit is open"):
        await client.list_workspaces()
    await client.aclose()
    assert len(fake_anythingllm.calls("GET", "/workspaces")) == 2


async def test_settings_are_validated_and_a_success_status_can_still_mean_nothing_changed(client):
    workspace = await client.create_workspace("w")
    updated = await client.update_workspace(workspace.slug, {"topN": 0, "similarityThreshold": 7, "chatMode": "x",
                                                             "openAiTemp": 0.0, "openAiHistory": 0, "slug": "y"})
    assert updated.settings["topN"] == 1 and updated.settings["similarityThreshold"] == 1.0
    assert updated.settings["chatMode"] == "automatic" and updated.slug == workspace.slug
    with pytest.raises(AnythingLLMRejected, match="none of the settings"):
        await client.update_workspace(workspace.slug, {"unknown": 1})
    with pytest.raises(AnythingLLMNotFound):
        await client.update_workspace("missing", {"topN": 3})


async def test_a_failed_update_answered_with_200_before_v1_16_is_retried(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    fake_anythingllm.fail("POST", f"/workspace/{workspace.slug}/update", status=200,
                          body={"workspace": None, "message": "database is locked"})
    assert (await client.update_workspace(workspace.slug, {"topN": 5})).settings["topN"] == 5
    assert len(fake_anythingllm.calls("POST", "/workspace/*/update")) == 2


async def test_upload_into_a_folder_gives_the_location_to_embed_and_keeps_the_metadata(fake_anythingllm, client):
    document = await client.upload_document("d1.txt", b"Lot 1: quay walls.", folder="tenderflow-ws",
                                            metadata={"title": "notice.pdf", "chunkSource": "tenderflow://d1"})
    assert document.location.startswith("tenderflow-ws/d1.txt-") and document.location.endswith(".json")
    assert document.title == "notice.pdf" and document.chunk_source == "tenderflow://d1"
    form = fake_anythingllm.calls("POST", "/document/upload/*")[0].form()
    assert form["file"] == ("d1.txt", b"Lot 1: quay walls.")
    assert json.loads(form["metadata"])["title"] == "notice.pdf"
    stored = await client.folder_documents("tenderflow-ws")
    assert [d.location for d in stored] == [document.location]
    assert await client.folder_documents("never-made") == []


async def test_conversion_failures_and_an_offline_collector_are_reported(fake_anythingllm, client):
    with pytest.raises(AnythingLLMUnavailable, match="500") as unsupported:
        await client.upload_document("x.exe", b"MZ", folder="tf")
    assert "not supported" in unsupported.value.detail
    fake_anythingllm.collector_online = False
    with pytest.raises(AnythingLLMUnavailable) as offline:
        await client.upload_document("a.txt", b"text", folder="tf")
    assert "not online" in offline.value.detail
    assert not isinstance(offline.value, AnythingLLMOutcomeUnknown)  # the server said it did nothing


async def test_an_upload_is_never_repeated_by_the_client(fake_anythingllm, client):
    fake_anythingllm.lose_response("POST", "/document/upload/*")
    with pytest.raises(AnythingLLMOutcomeUnknown):
        await upload(client)
    assert len(fake_anythingllm.calls("POST", "/document/upload/*")) == 1
    assert len(await client.folder_documents("tf")) == 1  # it happened: the caller finds it by looking


async def test_embedding_is_verified_because_it_fails_silently(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    good, bad = await upload(client, name="good.txt"), await upload(client, name="bad.txt")
    fake_anythingllm.fail_embedding("bad.txt")
    raw = await client.update_embeddings(workspace.slug, adds=[good, bad, "custom-documents/report.pdf"])
    assert raw.docpaths == {good}  # 200, and two of three are missing
    with pytest.raises(EmbeddingFailed) as failed:
        await embed(client, workspace.slug, [good, bad])
    assert failed.value.missing == [bad]
    assert "missing from its document list" in str(failed.value)


async def test_embed_sends_only_what_is_missing_so_nothing_is_embedded_twice(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    first = await upload(client, name="one.txt")
    await embed(client, workspace.slug, [first])
    second = await upload(client, name="two.txt")
    result = await embed(client, workspace.slug, [first, second])
    assert sorted(d.docpath for d in result.documents) == sorted([first, second])
    assert [call.json()["adds"] for call in fake_anythingllm.calls("POST", "/workspace/*/update-embeddings")] == \
        [[first], [second]]


async def test_an_embedding_call_whose_answer_is_lost_is_checked_not_repeated(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    location = await upload(client)
    fake_anythingllm.lose_response("POST", "/workspace/*/update-embeddings")
    result = await embed(client, workspace.slug, [location])
    assert result.docpaths == {location}
    assert len(fake_anythingllm.calls("POST", "/workspace/*/update-embeddings")) == 1
    assert len(fake_anythingllm.workspace_documents) == 1


async def test_documents_metadata_arrives_as_a_json_string_and_is_read(client):
    workspace = await client.create_workspace("w")
    location = await upload(client, title="notice.pdf")
    await embed(client, workspace.slug, [location])
    stored = (await client.get_workspace(workspace.slug)).documents[0]
    assert stored.metadata["title"] == "notice.pdf"


async def test_removing_documents_and_folders_and_deleting_workspaces(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    location = await upload(client)
    await embed(client, workspace.slug, [location])
    await client.remove_documents([location])
    assert (await client.get_workspace(workspace.slug)).documents == []
    assert fake_anythingllm.calls("DELETE", "/system/remove-documents")[0].json() == {"names": [location]}
    await upload(client)
    await client.remove_folder("tf")
    await client.remove_folder("tf")  # gone already: fine
    assert await client.folder_documents("tf") == []
    assert await client.delete_workspace(workspace.slug) is True  # a plain-text "OK"
    assert await client.delete_workspace(workspace.slug) is False  # 400 plain text for an unknown slug


async def test_deletion_protection_is_a_refusal_not_a_bad_key(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    fake_anythingllm.deletion_protection = True
    with pytest.raises(AnythingLLMRejected, match="blocked") as refused:
        await client.delete_workspace(workspace.slug)
    assert not isinstance(refused.value, AnythingLLMUnauthorized)


async def test_a_thread_is_created_once_even_when_its_slug_is_taken_or_the_answer_lost(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    assert await ensure_thread(client, workspace.slug, "tenderflow-run-1", "run 1") == "tenderflow-run-1"
    assert await client.create_thread(workspace.slug, thread_slug="tenderflow-run-1", name="again") is None
    assert await ensure_thread(client, workspace.slug, "tenderflow-run-1", "run 1") == "tenderflow-run-1"
    fake_anythingllm.lose_response("POST", "/workspace/*/thread/new")
    assert await ensure_thread(client, workspace.slug, "tenderflow-run-2", "run 2") == "tenderflow-run-2"
    assert len(fake_anythingllm.calls("POST", "/workspace/*/thread/new")) == 3
    assert sorted(fake_anythingllm.threads) == ["tenderflow-run-1", "tenderflow-run-2"]


async def test_a_thread_slug_taken_in_another_workspace_is_a_refusal(client):
    one, two = await client.create_workspace("one"), await client.create_workspace("two")
    await ensure_thread(client, one.slug, "shared", "x")
    with pytest.raises(AnythingLLMRejected, match="taken"):
        await ensure_thread(client, two.slug, "shared", "x")


async def embedded_workspace(client: AnythingLLMClient, settings: dict | None = None) -> str:
    workspace = await client.create_workspace("w", settings)
    location = await upload(client, text="The buyer is the City of Oslo. The deadline is 15 March 2026.",
                            title="notice.pdf", chunkSource="tenderflow://document/d1")
    await embed(client, workspace.slug, [location])
    return workspace.slug


async def test_a_streamed_chat_collects_the_text_and_takes_sources_from_the_finalize_frame(fake_anythingllm, client):
    slug = await embedded_workspace(client)
    reply = await client.stream_chat(slug, "Who is the buyer?")
    assert reply.text == "The buyer is the City of Oslo"
    assert [s.title for s in reply.sources] == ["notice.pdf"]
    assert reply.sources[0].chunk_source == "tenderflow://document/d1"
    assert reply.sources[0].text.startswith("<document_metadata>")
    assert reply.chat_id is not None and reply.prompt_tokens > 0
    assert fake_anythingllm.calls("POST", "/workspace/*/stream-chat")[0].json()["mode"] == "query"


@pytest.mark.parametrize("knob", [{"version": (1, 8, 0)}, {"llm_streams": False}, {"reasoning": True}])
async def test_streams_of_older_servers_other_providers_and_reasoning_models_read_the_same(fake_anythingllm, client,
                                                                                          knob):
    for name, value in knob.items():
        setattr(fake_anythingllm, name, value)
    slug = await embedded_workspace(client)
    for reply in (await client.stream_chat(slug, "Who is the buyer?"), await client.chat(slug, "Who is the buyer?")):
        assert reply.text == "The buyer is the City of Oslo"
        assert [s.title for s in reply.sources] == ["notice.pdf"]


async def test_a_query_refusal_is_plain_text_with_no_sources(client):
    slug = await embedded_workspace(client, {"queryRefusalResponse": "NOT STATED"})
    for reply in (await client.stream_chat(slug, "zebra giraffe"), await client.chat(slug, "zebra giraffe")):
        assert reply.text == "NOT STATED" and reply.sources == []


async def test_the_agent_path_frames_are_read(fake_anythingllm, client):
    fake_anythingllm.agent_capable = True
    slug = await embedded_workspace(client)
    reply = await client.stream_chat(slug, "Who is the buyer?", mode="automatic")
    assert reply.text == "The buyer is the City of Oslo"


async def test_aborts_fail_the_chat_even_under_200(fake_anythingllm, client):
    slug = await embedded_workspace(client)
    abort = {"uuid": "u", "type": "abort", "textResponse": None, "sources": [], "close": True, "error": "boom"}
    fake_anythingllm.fail("POST", "/workspace/*/stream-chat", status=200, body=None)
    fake_anythingllm.failures[-1].body = "data: " + json.dumps(abort) + "\n\n"
    with pytest.raises(AnythingLLMChatAborted, match="boom"):
        await client.stream_chat(slug, "Who is the buyer?")
    fake_anythingllm.fail("POST", "/workspace/*/chat", status=200, body={**abort, "type": "abort"})
    with pytest.raises(AnythingLLMChatAborted):
        await client.chat(slug, "Who is the buyer?")


async def test_unknown_workspaces_and_threads_in_chat_are_not_found_whatever_status_says(fake_anythingllm, client):
    slug = await embedded_workspace(client)
    with pytest.raises(AnythingLLMNotFound):
        await client.chat("nope", "hi")  # 400 abort object
    with pytest.raises(AnythingLLMNotFound):
        await client.stream_chat("nope", "hi", thread="t")  # 200 with an SSE abort frame (a null dereference)
    with pytest.raises(AnythingLLMNotFound):
        await client.stream_chat(slug, "hi", thread="t")  # 400 before streaming
    with pytest.raises(AnythingLLMNotFound) as new:
        await client.chat(slug, "hi", thread="t")
    assert new.value.status == 404
    fake_anythingllm.version = (1, 14, 0)
    with pytest.raises(AnythingLLMNotFound) as old:
        await client.chat(slug, "hi", thread="t")
    assert old.value.status == 400


async def test_a_stream_cut_halfway_is_an_unknown_outcome(fake_anythingllm, client):
    slug = await embedded_workspace(client)
    fake_anythingllm.lose_response("POST", "/workspace/*/stream-chat")
    with pytest.raises(AnythingLLMOutcomeUnknown):
        await client.stream_chat(slug, "Who is the buyer?")
    assert len(fake_anythingllm.calls("POST", "/workspace/*/stream-chat")) == 1


async def test_thread_history_holds_the_exchange(client):
    slug = await embedded_workspace(client)
    await ensure_thread(client, slug, "run-9", "run")
    await client.stream_chat(slug, "Who is the buyer?", thread="run-9")
    history = await client.thread_history(slug, "run-9")
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[1]["sources"][0]["title"] == "notice.pdf"
    await client.delete_thread(slug, "run-9")
    with pytest.raises(AnythingLLMNotFound):
        await client.thread_history(slug, "run-9")


async def test_an_embedding_call_that_failed_is_a_failure_to_retry_not_a_silent_one(fake_anythingllm, client):
    workspace = await client.create_workspace("w")
    location = await upload(client)
    fake_anythingllm.fail("POST", "/workspace/*/update-embeddings", status=500)
    with pytest.raises(AnythingLLMUnavailable) as failed:
        await embed(client, workspace.slug, [location])
    assert not isinstance(failed.value, EmbeddingFailed)
    assert (await embed(client, workspace.slug, [location])).docpaths == {location}
