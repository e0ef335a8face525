"""What schemathesis found at the running gateway, pinned: a 405 names every method of its path, ids reach the
internal services as one escaped path segment, a huge offset is refused, and the document lists the statuses
the routes really answer with."""

import pytest

from tenderflow_gateway.clients import segment


@pytest.mark.parametrize(("path", "methods"), [("/v1/question-sets", {"GET", "POST"}),
                                               ("/v1/question-sets/framework-checks", {"GET", "PUT", "DELETE"}),
                                               ("/v1/keys", {"GET", "POST"})])
async def test_a_405_allows_the_methods_of_every_route_on_the_path(make_gateway, path, methods):
    gateway = await make_gateway()
    response = await gateway.client.request("PATCH", path, headers={"X-API-Key": await gateway.key()})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == methods
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("raw", "escaped"), [("a\x06b", "a%06b"), ("../jobs", "%2E%2E%2Fjobs"), ("é", "%C3%A9"),
                                              ("0f3c-9a", "0f3c-9a")])
def test_an_id_is_one_escaped_path_segment(raw, escaped):
    assert segment(raw) == escaped


async def test_an_offset_past_any_database_offset_is_refused(make_gateway):
    gateway = await make_gateway()
    response = await gateway.client.get("/v1/jobs", params={"offset": 10**30},
                                        headers={"X-API-Key": await gateway.key()})
    assert response.status_code == 422


async def test_the_document_lists_conflicts_on_delete_and_unreadable_json_bodies(make_gateway):
    gateway = await make_gateway()
    paths = gateway.service.app.openapi()["paths"]
    assert "409" in paths["/v1/question-sets/{name}"]["delete"]["responses"]
    assert "400" in paths["/v1/question-sets"]["post"]["responses"]
    assert "400" in paths["/v1/keys"]["post"]["responses"]
    assert "400" not in paths["/v1/jobs"]["get"]["responses"]
