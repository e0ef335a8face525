"""Messages other systems publish to hand Tenderflow a package they already stored."""

import re
from typing import ClassVar

from pydantic import ConfigDict, Field, field_validator

from tenderflow_common import topics
from tenderflow_common.contracts.shared import JobRequest
from tenderflow_common.messages import Event, register

S3_URI = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")


class UploadReceived(Event):
    """A package is in storage; ingest it as if it had been uploaded through the API."""

    message_type: ClassVar[str] = "tenderflow.upload.received.v1"
    topic: ClassVar[str] = topics.UPLOADS
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "object": "tenants/3f2c9d0e41b64a7c9d1e2f3a4b5c6d7e/inbox/harbour-works.zip",
        "idempotency_key": "erp-export-2024-000123",
        "filename": "harbour-works.zip",
        "request": {"workspace": "harbour", "question_set": "procurement-default", "model": "extractive:default"},
    }]})

    object: str = Field(min_length=1, max_length=1000)
    idempotency_key: str = Field(min_length=1, max_length=200)
    filename: str | None = Field(default=None, min_length=1, max_length=500)
    request: JobRequest = Field(default_factory=JobRequest)

    @field_validator("object")
    @classmethod
    def _storage_reference(cls, value: str) -> str:
        """Only `s3://bucket/key` or a storage key: never an arbitrary URL or an absolute path."""
        if "://" in value and not S3_URI.match(value):
            raise ValueError("must be s3://bucket/key or a storage key, not a URL")
        if value.startswith(("/", "\\")):
            raise ValueError("must be a storage key, not an absolute path")
        return value


register(UploadReceived)
