"""A job followed live through the whole stack: its event stream, opened right after the upload, sends the job as
each change folds, with rising ids, and ends with the finished job."""

import httpx
import pytest
from httpx_sse import aconnect_sse

from .support import api_key_for, tender_package

pytestmark = pytest.mark.e2e


async def test_the_event_stream_follows_an_upload_to_its_end(stack, tmp_path):
    key = await api_key_for(stack.databases["gateway"], "acme")
    other_key = await api_key_for(stack.databases["gateway"], "globex")
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers={"X-API-Key": key}, timeout=150) as client:
        with tender_package(tmp_path).open("rb") as file:
            response = await client.post("/v1/documents", files={"file": ("veitshoechheim.zip", file,
                                                                          "application/zip")})
        assert response.status_code == 202, response.text
        events_url = f"{response.headers['location']}/events"
        hidden = await client.get(events_url, headers={"X-API-Key": other_key})
        assert hidden.status_code == 404

        async with aconnect_sse(client, "GET", events_url) as source:
            assert source.response.status_code == 200
            events = [event async for event in source.aiter_sse() if event.data]

    ids = [int(event.id) for event in events]
    assert ids == sorted(set(ids)), ids
    assert [event.event for event in events[:-1]] == ["job"] * (len(events) - 1)
    assert events[-1].event == "end" and events[-1].json()["status"] == "succeeded"
    assert len(events) >= 2  # the queued or running job, then the finished one
    shown = [(e.json()["status"], e.json()["stage"], e.json()["progress"]) for e in events]
    assert all(before != after for before, after in zip(shown, shown[1:], strict=False))
