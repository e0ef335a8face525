"""The OpenAPI document tells clients how to authenticate and which problems each route can answer with."""

import re

from fastapi import FastAPI

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `type` is a stable URN to switch on, extra members add facts.",
    "required": ["type", "title", "status", "instance"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:tenderflow:problem:unauthenticated"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path of the request."},
        "errors": {"type": "array", "description": "Each invalid field (422 only).",
                   "items": {"type": "object", "properties": {"loc": {"type": "array", "items": {}},
                                                              "msg": {"type": "string"}}}},
        "retry_after_seconds": {"type": "integer", "description": "When to try again (429 only)."},
        "required_scope": {"type": "string", "description": "The scope that was missing (403 only)."},
    },
    "additionalProperties": True,
}
EVERY_ROUTE = {
    401: "Missing, unknown, revoked or expired API key, or an invalid access token",
    403: "The key or token lacks the scope this request needs (`read`, `write` or `admin`)",
    422: "A parameter or body field is not valid",
    429: "Past the tenant's requests per minute, or too many failed authentications from this address; see "
         "`Retry-After`",
    503: "A service behind the gateway is unavailable for now; see `Retry-After`",
}
WITH_AN_ID = {404: "No such resource for this tenant (another tenant's ids are not found either)"}
CONFLICTS = {409: "The resource is not in a state that allows this (a job not finished or already finished, a "
                  "name already taken, the builtin question set)"}
UNREADABLE_BODY = {400: "The body cannot be read as JSON (not UTF-8, or not well-formed)"}
PATH_PARAMETER = re.compile(r"\{[^}]+\}")


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _statuses(path: str, method: str, operation: dict) -> dict[int, str]:
    statuses = dict(EVERY_ROUTE)
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        statuses |= UNREADABLE_BODY
    if PATH_PARAMETER.search(path):
        statuses |= WITH_AN_ID
    if method in ("post", "put", "delete") and path != "/v1/auth/token":
        statuses |= CONFLICTS
    return statuses


def with_problems(document: dict) -> dict:
    """Add the problem responses to every /v1 operation, and give every error response anywhere the one schema the
    error handlers really send, in place of FastAPI's validation schema, which they never send."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            added = _statuses(path, method, operation) if path.startswith("/v1/") else {}
            for status, description in added.items():
                # A route's own description says more than the generic one, FastAPI's default excepted.
                kept = responses.get(str(status), {}).get("description")
                responses[str(status)] = _problem(kept if kept and kept != "Validation Error" else description)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    responses[status] = _problem(response.get("description") or "Error")
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Build the document once, on first request, through `with_problems`."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(build())
        return app.openapi_schema

    app.openapi = openapi
