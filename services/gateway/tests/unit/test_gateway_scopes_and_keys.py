"""Keys and tokens carry scopes (read, write, admin): a missing scope is 403; keys expire, are revoked and audited."""

from datetime import UTC, datetime, timedelta

import pytest

READ = frozenset({"read"})
ADMIN = frozenset({"admin"})
QUESTION_SET = {"name": "checks", "questions": [{"id": "q", "text": "Who buys?"}]}


def assert_refused_for_scope(response, scope: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["required_scope"]) == ("urn:tenderflow:problem:insufficient-scope", scope)


@pytest.fixture
async def gateway(make_gateway):
    return await make_gateway()


async def test_a_read_key_reads_but_changes_nothing(gateway):
    headers = {"X-API-Key": await gateway.key(scopes=READ)}
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == 200
    assert_refused_for_scope(await gateway.client.post("/v1/question-sets", json=QUESTION_SET, headers=headers),
                             "write")
    assert_refused_for_scope(await gateway.client.post("/v1/jobs/j/cancel", headers=headers), "write")
    assert_refused_for_scope(await gateway.client.post("/v1/documents", headers=headers), "write")


async def test_a_token_carries_its_keys_scopes(gateway):
    key = await gateway.key(scopes=READ)
    token = (await gateway.client.post("/v1/auth/token", headers={"X-API-Key": key})).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == 200
    assert_refused_for_scope(await gateway.client.post("/v1/question-sets", json=QUESTION_SET, headers=headers),
                             "write")


async def test_tenants_and_keys_need_admin(gateway):
    headers = {"X-API-Key": await gateway.key()}
    assert_refused_for_scope(await gateway.client.post("/v1/tenants", json={"name": "globex"}, headers=headers),
                             "admin")
    assert_refused_for_scope(await gateway.client.post("/v1/keys", json={"tenant": "globex"}, headers=headers),
                             "admin")
    assert_refused_for_scope(await gateway.client.delete("/v1/keys/some-id", headers=headers), "admin")


async def test_an_admin_creates_tenants_and_keys_and_revokes_them(gateway):
    admin = {"X-API-Key": await gateway.key("operators", scopes=ADMIN)}
    tenant = await gateway.client.post("/v1/tenants", json={"name": "globex"}, headers=admin)
    assert tenant.status_code == 201 and tenant.json()["name"] == "globex"
    created = await gateway.client.post("/v1/keys", json={"tenant": "globex", "scopes": ["read"]}, headers=admin)
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["scopes"] == ["read"] and key["key"].startswith("tf_")
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": key["key"]})).status_code == 200
    assert (await gateway.client.delete(f"/v1/keys/{key['id']}", headers=admin)).status_code == 204
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": key["key"]})).status_code == 401
    assert (await gateway.client.delete(f"/v1/keys/{key['id']}", headers=admin)).status_code == 404

    events = [(event["event"], event["key_id"]) for event in await gateway.audit()]
    assert ("key_created", key["id"]) in events and ("key_revoked", key["id"]) in events
    assert ("auth_failed", None) in events
    actors = {event["actor"] for event in await gateway.audit() if event["key_id"] == key["id"]}
    assert actors and all(actor.startswith("key:") for actor in actors)


async def test_keys_expire_and_tokens_never_outlive_them(gateway):
    expired = await gateway.key(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": expired})).status_code == 401
    soon = await gateway.key(expires_at=datetime.now(UTC) + timedelta(seconds=100))
    token = await gateway.client.post("/v1/auth/token", headers={"X-API-Key": soon})
    assert 0 < token.json()["expires_in"] <= 100
    admin = {"X-API-Key": await gateway.key(scopes=ADMIN)}
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert (await gateway.client.post("/v1/keys", json={"tenant": "acme", "expires_at": past},
                                      headers=admin)).status_code == 422


async def test_last_use_is_recorded(gateway):
    key = await gateway.key()
    assert [row["last_used_at"] for row in await gateway.keys()] == [None]
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200
    assert [row["last_used_at"] is not None for row in await gateway.keys()] == [True]


async def test_failures_are_audited_with_the_client_address_and_no_secret(gateway):
    wrong = "tf_abcdefgh_" + "x" * 43
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": wrong})).status_code == 401
    failures = [event for event in await gateway.audit() if event["event"] == "auth_failed"]
    assert failures and failures[0]["client_address"] == "203.0.113.7"
    assert wrong not in str(failures)


async def test_an_admin_reads_keys_and_the_audit_trail_and_no_one_else_does(gateway):
    admin = {"X-API-Key": await gateway.key("operators", scopes=ADMIN)}
    tenant_key = {"X-API-Key": await gateway.key()}
    assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": "tf_wrong"})).status_code == 401
    keys = await gateway.client.get("/v1/keys", headers=admin)
    assert keys.status_code == 200
    assert sorted(key["scopes"] for key in keys.json()) == ["admin", "read write"]
    assert all("key" not in key and "key_hash" not in key for key in keys.json())
    events = (await gateway.client.get("/v1/auth-events", params={"limit": 10}, headers=admin)).json()
    assert [event["event"] for event in events][:1] == ["auth_failed"]
    assert {"key_created", "auth_failed"} <= {event["event"] for event in events}
    assert_refused_for_scope(await gateway.client.get("/v1/keys", headers=tenant_key), "admin")
    assert_refused_for_scope(await gateway.client.get("/v1/auth-events", headers=tenant_key), "admin")


async def test_an_admin_token_is_audited_as_its_key(gateway):
    admin_key = await gateway.key("operators", scopes=ADMIN)
    token = (await gateway.client.post("/v1/auth/token", headers={"X-API-Key": admin_key})).json()["access_token"]
    created = await gateway.client.post("/v1/keys", json={"tenant": "acme"},
                                        headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    admin_id = next(key["id"] for key in await gateway.keys() if key["scopes"] == "admin")
    actors = [event["actor"] for event in await gateway.audit() if event["key_id"] == created.json()["id"]]
    assert actors == [f"key:{admin_id}"]
