"""The gateway's edges: guessing keys is slowed per address, uploads weigh more, browsers get protective headers
and only allowed origins, documentation and metrics can be switched off, and OpenAPI tells the whole truth."""

import httpx
import pytest

from tenderflow_gateway.internal_port import internal_app

PROBLEM_STATUSES = {"401", "403", "404", "409", "413", "415", "422", "429", "503"}


def client_from(gateway, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=gateway.service.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


async def test_failed_authentication_is_limited_per_client_address(make_gateway):
    gateway = await make_gateway(auth_failures_per_minute=3)
    key = await gateway.key()
    for _ in range(3):
        assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": "tf_guess"})).status_code == 401
    blocked = await gateway.client.get("/v1/jobs", headers={"X-API-Key": key})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert blocked.headers["content-type"] == "application/problem+json"
    async with client_from(gateway, "198.51.100.9") as elsewhere:
        assert (await elsewhere.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200


async def test_successes_do_not_count_as_failures(make_gateway):
    gateway = await make_gateway(auth_failures_per_minute=2)
    key = await gateway.key()
    for _ in range(5):
        assert (await gateway.client.get("/v1/jobs", headers={"X-API-Key": key})).status_code == 200


WEIGHED = {
    "upload_weight": ("POST", "/v1/documents"),
    "run_weight": ("POST", "/v1/workspaces/some-workspace/runs"),
    "write_weight": ("PATCH", "/v1/workspaces/some-workspace"),
}


@pytest.mark.parametrize(("setting", "weight", "then"), [(setting, 10, 429) for setting in WEIGHED]
                         + [("upload_weight", 1, 200)])
async def test_a_write_spends_its_weight_of_the_tenant_budget(make_gateway, setting, weight, then):
    gateway = await make_gateway(rate_limit_per_minute=10, **{setting: weight})
    headers = {"X-API-Key": await gateway.key()}
    method, path = WEIGHED[setting]
    write = await gateway.client.request(method, path, headers=headers | {"Content-Type": "text/plain"},
                                         content=b"not a package")
    assert write.status_code != 429
    assert (await gateway.client.get("/v1/jobs", headers=headers)).status_code == then


@pytest.mark.parametrize("path", ["/v1/jobs", "/health/live", "/no/such/path"])
async def test_every_response_carries_the_security_headers(make_gateway, path):
    gateway = await make_gateway()
    response = await gateway.client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in response.headers


async def test_hsts_only_over_tls(make_gateway):
    gateway = await make_gateway(scheme="https")
    assert "max-age=" in (await gateway.client.get("/health/live")).headers["strict-transport-security"]


async def test_cors_answers_only_the_configured_origins(make_gateway):
    preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key"}
    gateway = await make_gateway(cors_origins=["https://app.example"])
    allowed = await gateway.client.options("/v1/jobs", headers=preflight | {"Origin": "https://app.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    other = await gateway.client.options("/v1/jobs", headers=preflight | {"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    closed = await make_gateway()
    response = await closed.client.get("/v1/jobs", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_docs_and_metrics_can_be_switched_off(make_gateway):
    shown = await make_gateway()
    for path in ("/docs", "/openapi.json", "/metrics"):
        assert (await shown.client.get(path)).status_code == 200, path
    hidden = await make_gateway(expose_docs=False, expose_metrics=False)
    for path in ("/docs", "/redoc", "/openapi.json", "/metrics"):
        assert (await hidden.client.get(path)).status_code == 404, path
    assert (await hidden.client.get("/health/live")).status_code == 200


async def test_openapi_declares_both_schemes_and_every_problem(make_gateway):
    document = (await (await make_gateway()).client.get("/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {"type": "apiKey", "in": "header", "name": "X-API-Key",
                                 "description": schemes["ApiKey"]["description"]}
    assert (schemes["Bearer"]["type"], schemes["Bearer"]["scheme"]) == ("http", "bearer")
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "instance"} <= set(problem["required"])
    assert "HTTPValidationError" not in document["components"]["schemas"]
    documented = set()
    for path, operations in document["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            if path != "/v1/auth/token":
                assert {"ApiKey": []} in operation["security"] and {"Bearer": []} in operation["security"], path
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, status)
                    documented.add(status)
            assert {"401", "403", "422", "429", "503"} <= set(operation["responses"]), (method, path)
    assert documented >= PROBLEM_STATUSES


async def test_an_internal_port_takes_docs_and_metrics_off_the_public_one(make_gateway):
    gateway = await make_gateway(internal_port=9100)
    for path in ("/docs", "/openapi.json", "/metrics"):
        assert (await gateway.client.get(path)).status_code == 404, path
    internal = internal_app(gateway.service.app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=internal), base_url="http://internal") as client:
        document = (await client.get("/openapi.json")).json()
        assert "/v1/jobs" in document["paths"] and "Bearer" in document["components"]["securitySchemes"]
        assert "tenderflow_http_request_seconds" in (await client.get("/metrics")).text
        assert "swagger" in (await client.get("/docs")).text.lower()
        assert (await client.get("/v1/jobs")).status_code == 404
