"""The upload endpoint reads its body itself, so its OpenAPI entry declares the multipart form by hand."""

from fastapi import FastAPI

from tenderflow_common.endpoints import Database
from tenderflow_gateway.api import public_router


def upload_operation() -> dict:
    app = FastAPI()
    async def authenticate() -> str:
        return "tenant"

    database = Database(sessions=None, transaction=None)
    app.include_router(public_router(database, store=None, clients=None, authenticate=authenticate,
                                     max_upload_bytes=1024, offered=None))
    return app.openapi()["paths"]["/v1/documents"]["post"]


def test_the_multipart_form_is_documented():
    body = upload_operation()["requestBody"]
    assert body["required"] is True
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"]
    file = schema["properties"]["file"]
    assert (file["type"], file["format"]) == ("string", "binary")
    assert {"workspace", "questions", "question_set", "model"} <= set(schema["properties"])


def test_problems_are_documented_as_problem_json():
    responses = upload_operation()["responses"]
    assert "202" in responses
    for status in ("400", "401", "413", "415", "422"):
        assert "application/problem+json" in responses[status]["content"], status
